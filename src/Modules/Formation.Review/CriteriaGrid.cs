namespace Formation.Review;

/// <summary>One criterion of the review grid, scored from 1 (insufficient) to <see cref="CriteriaGrid.MaxScore"/>.</summary>
public sealed record Criterion(string Key, string Label, string Guidance, int Weight = 1);

/// <summary>The grid every expert fills for a module version; configurable by platform operators.</summary>
public sealed record CriteriaGrid(IReadOnlyList<Criterion> Criteria, int PassingAverage = 3)
{
    public const int MaxScore = 4;

    public static readonly IReadOnlyDictionary<int, string> ScoreLabels = new Dictionary<int, string>
    {
        [1] = "Insuffisant", [2] = "À améliorer", [3] = "Satisfaisant", [4] = "Très satisfaisant",
    };

    /// <summary>The default grid, from what the field expects of a training module.</summary>
    public static readonly CriteriaGrid Default = new(
    [
        new("exactitude", "Exactitude et actualité des contenus", "Les contenus sont justes, sourcés et à jour (textes, références, pratiques)."),
        new("cadre-legal", "Conformité au cadre légal de la protection de l'enfance", "Lois de 2007, 2016 et 2022, Code de l'action sociale et des familles, rôle du Département et de la justice.", 2),
        new("pedagogie", "Qualité pédagogique", "Objectifs clairs, progression, situations concrètes du terrain, durée adaptée."),
        new("accessibilite", "Accessibilité", "Sous-titres, transcriptions, contrastes, navigation au clavier, déclaration d'accessibilité."),
        new("evaluation", "Évaluation des acquis", "Les apprenant·es peuvent vérifier ce qu'ils ont appris ; la réussite est mesurable."),
    ]);

    /// <summary>Weighted average of the scores, or null while a criterion is unscored.</summary>
    public double? Average(IReadOnlyDictionary<string, int> scores)
    {
        if (Criteria.Any(c => !scores.ContainsKey(c.Key))) return null;
        return Criteria.Sum(c => scores[c.Key] * c.Weight) / (double)Criteria.Sum(c => c.Weight);
    }

    /// <summary>French messages for every missing or out-of-range score.</summary>
    public IReadOnlyList<string> Check(IReadOnlyDictionary<string, int> scores)
    {
        var problems = new List<string>();
        foreach (var c in Criteria)
        {
            if (!scores.TryGetValue(c.Key, out var score)) problems.Add($"Notez le critère « {c.Label} ».");
            else if (score is < 1 or > MaxScore) problems.Add($"La note de « {c.Label} » va de 1 à {MaxScore}.");
        }
        foreach (var key in scores.Keys.Where(k => Criteria.All(c => c.Key != k))) problems.Add($"Critère inconnu : {key}.");
        return problems;
    }
}
