using Formation.Search.Analysis;
using Formation.Search.Querying;
using Formation.Shell.Validation;

namespace Formation.Tests.Search;

/// <summary>French analysis and the synonyms file, without an index.</summary>
public sealed class SearchAnalysisTests
{
    private static IReadOnlyList<string> Stems(string text) => FrenchText.Analyze(FrenchText.Stemmed, text).Select(t => t.Term).ToList();

    [Theory]
    [InlineData("éducatrice", "educateurs", "éducateur")]
    [InlineData("violences", "violence", "Violence")]
    [InlineData("l'enfant", "enfants", "d’enfants")]
    [InlineData("Préoccupante", "preoccupantes", "préoccupant")]
    public void Word_forms_meet_on_one_stem(string a, string b, string c)
    {
        var stem = Assert.Single(Stems(a));
        Assert.Equal(stem, Assert.Single(Stems(b)));
        Assert.Equal(stem, Assert.Single(Stems(c)));
    }

    [Fact]
    public void Stop_words_are_dropped_and_leave_a_gap_for_phrases()
    {
        var terms = FrenchText.Analyze(FrenchText.Stemmed, "Le projet pour l'enfant");
        Assert.Equal(["projet", "enfant"], terms.Select(t => t.Term));
        Assert.Equal(2, terms[1].Position - terms[0].Position);
    }

    [Fact]
    public void Search_texts_are_counted_under_one_normalised_form() =>
        Assert.Equal("mineurs isoles etrangers", FrenchText.Normalise("  Mineurs   ISOLÉS étrangers "));

    [Fact]
    public void The_default_synonyms_are_valid_and_cover_the_ase_acronyms()
    {
        var synonyms = SynonymSet.Parse(SynonymStore.DefaultText());
        foreach (var acronym in new[] { "ase", "mna", "ppe", "af", "mecs", "ip", "odpe", "crip", "aemo", "tisf" })
            Assert.NotNull(synonyms.Match([Assert.Single(Stems(acronym))], 0));
    }

    [Fact]
    public void A_synonym_matches_the_longest_expression_in_the_query()
    {
        var synonyms = SynonymSet.Parse("ASE, aide sociale à l'enfance\naide, soutien");
        var query = Stems("formation aide sociale a l enfance");
        var match = synonyms.Match(query, 1);
        Assert.Equal(3, match!.Value.Length);
        Assert.Contains(match.Value.Outputs, o => o.Select(t => t.Term).SequenceEqual(["ase"]));
    }

    [Fact]
    public void Faulty_synonym_lines_are_refused_in_french_with_their_number()
    {
        var ex = Assert.Throws<ValidationFailedException>(() => SynonymSet.Parse("# commentaire\nASE\na => b => c\nx, y =>\nle, la\nMNA, mineurs non accompagnés"));
        var messages = ex.Errors[SynonymSet.Field];
        Assert.Equal(4, messages.Length);
        Assert.StartsWith("Ligne 2 :", messages[0]);
        Assert.StartsWith("Ligne 3 :", messages[1]);
        Assert.StartsWith("Ligne 4 :", messages[2]);
        Assert.Contains("trop courants", messages[3]);
    }

    [Theory]
    [InlineData("\"projet pour l'enfant")]
    [InlineData("« accueil familial")]
    public void An_unclosed_quote_is_a_french_validation_error_not_a_crash(string text)
    {
        var ex = Assert.Throws<ValidationFailedException>(() => TextQuery.Parse(text, SynonymSet.Empty));
        Assert.Contains("guillemet", ex.Errors["q"][0]);
    }

    [Theory]
    [InlineData("enfant AND (placement OR")]
    [InlineData("titre:violence* owner:autre")]
    [InlineData("~ ^ [ ] { } \\ / ! - + && || ? :")]
    [InlineData("\"\"")]
    [InlineData("le la les")]
    public void Lucene_syntax_is_just_text(string text) => Assert.NotNull(TextQuery.Parse(text, SynonymSet.Empty).Query);

    [Fact]
    public void Overlong_texts_are_refused() =>
        Assert.Throws<ValidationFailedException>(() => TextQuery.Parse(new string('a', TextQuery.MaxLength + 1), SynonymSet.Empty));

    [Theory]
    [InlineData("theme=inconnu", "theme")]
    [InlineData("prix=offert", "prix")]
    [InlineData("tri=alphabetique", "tri")]
    [InlineData("page=abc", "page")]
    [InlineData("page=0", "page")]
    public void Unknown_parameters_are_refused_naming_the_parameter(string parameter, string field)
    {
        var (name, value) = (parameter.Split('=')[0], parameter.Split('=')[1]);
        var parameters = new SearchParameters();
        switch (name)
        {
            case "theme": parameters.Theme = [value]; break;
            case "prix": parameters.Prix = [value]; break;
            case "tri": parameters.Tri = value; break;
            default: parameters.Page = value; break;
        }
        var ex = Assert.Throws<ValidationFailedException>(parameters.ToQuery);
        Assert.True(ex.Errors.ContainsKey(field));
    }

    [Fact]
    public void Valid_parameters_become_a_query()
    {
        var query = new SearchParameters { Q = " MNA ", Theme = ["mna", "violences-ip"], Prix = ["gratuit"], Tri = "recent", Page = "2" }.ToQuery();
        Assert.Equal("MNA", query.Text);
        Assert.Equal(SearchSort.Newest, query.Sort);
        Assert.Equal(2, query.Page);
        Assert.Equal(2, query.Selected("theme").Count);
        Assert.Empty(query.Selected("cpf"));
    }
}
