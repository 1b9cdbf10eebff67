using Formation.Catalog.Contracts;
using Formation.Search.Querying;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using static Formation.Tests.Search.SearchTestData;

namespace Formation.Tests.Search;

/// <summary>The Lucene index through its search: analysis, synonyms, typos, facets, curation, sorting, pages, highlights.</summary>
public sealed class SearchIndexTests : IDisposable
{
    private readonly SearchTestIndex _search = new();

    public void Dispose() => _search.Dispose();

    [Fact]
    public async Task Word_forms_find_each_other()
    {
        await _search.AddAsync(
            Module("La posture de l'éducatrice en MECS"),
            Module("Repérer les violences faites aux enfants"),
            Module("Gestion budgétaire"));
        Assert.Equal(["La posture de l'éducatrice en MECS"], _search.Titles("educateurs"));
        Assert.Equal(["La posture de l'éducatrice en MECS"], _search.Titles("Éducateur"));
        Assert.Equal(["Repérer les violences faites aux enfants"], _search.Titles("violence"));
        Assert.Equal(["Repérer les violences faites aux enfants"], _search.Titles("l'enfant"));
    }

    [Fact]
    public async Task Every_word_must_match_somewhere_in_the_module()
    {
        await _search.AddAsync(
            Module("Accueillir un enfant", summary: "Premiers jours en famille d'accueil."),
            Module("Accueillir une fratrie"));
        Assert.Equal(["Accueillir un enfant"], _search.Titles("accueillir premiers jours"));
        Assert.Empty(_search.Titles("accueillir adolescent"));
    }

    [Fact]
    public async Task Acronyms_find_the_words_they_stand_for_and_back()
    {
        await _search.AddAsync(
            Module("Accueillir des mineurs non accompagnés"),
            Module("Le PPE en pratique"),
            Module("Un avis non définitif"));
        Assert.Equal(["Accueillir des mineurs non accompagnés"], _search.Titles("MNA"));
        Assert.Equal(["Le PPE en pratique"], _search.Titles("projet pour l'enfant"));
        Assert.Equal(["Le PPE en pratique"], _search.Titles("\"projet pour l'enfant\""));
    }

    [Fact]
    public async Task Saved_synonyms_apply_to_the_next_search()
    {
        await _search.AddAsync(Module("Comprendre la théorie de l'attachement"));
        Assert.Empty(_search.Titles("bowlby"));
        _search.Synonyms.Save(_search.Synonyms.ReadText() + "\nBowlby, attachement\n");
        Assert.Single(_search.Titles("bowlby"));
        Assert.Throws<ValidationFailedException>(() => _search.Synonyms.Save("Bowlby"));
        Assert.Single(_search.Titles("bowlby"));
    }

    [Fact]
    public async Task Typos_still_find_the_word_but_rank_below_exact_matches()
    {
        await _search.AddAsync(
            Module("Le métier d'éducateur spécialisé"),
            Module("La violence à l'adolescence"),
            Module("Une relation violente"),
            Module("Gestion budgétaire"));
        var found = _search.Search("educatuer");
        Assert.Equal(["Le métier d'éducateur spécialisé"], found.Hits.Select(h => h.Title));
        Assert.Equal("Le métier d'<mark>éducateur</mark> spécialisé", found.Hits[0].Highlights.Title);

        Assert.Equal(["La violence à l'adolescence", "Une relation violente"], _search.Titles("violence"));
        Assert.Empty(_search.Titles("AEMP")); // short words are never fuzzy: too many false friends
    }

    [Fact]
    public async Task The_title_weighs_more_than_the_description()
    {
        await _search.AddAsync(
            Module("Travailler avec les familles", description: "<p>Le placement en questions.</p>"),
            Module("Le placement familial", description: "<p>Travailler avec les familles.</p>"));
        Assert.Equal("Le placement familial", _search.Titles("placement")[0]);
    }

    [Fact]
    public async Task Facet_filters_are_or_within_a_facet_and_and_between_facets()
    {
        await _search.AddAsync(
            Module("A", themes: ["mna"], priceCents: 0),
            Module("B", themes: ["mna", "violences-ip"], priceCents: 4500),
            Module("C", themes: ["attachement"], priceCents: 9000));

        Assert.Equal(3, _search.Search(filters: [("theme", "mna"), ("theme", "attachement")]).Total);
        var paid = _search.Search(filters: [("prix", "payant")]);
        Assert.Equal(["B", "C"], paid.Hits.Select(h => h.Title).Order());
        var both = _search.Search(filters: [("prix", "payant"), ("theme", "mna")]);
        Assert.Equal(["B"], both.Hits.Select(h => h.Title));
    }

    [Fact]
    public async Task Facet_counts_apply_the_other_facets_filters_but_not_their_own()
    {
        await _search.AddAsync(
            Module("A", themes: ["mna"], priceCents: 0, format: ModuleFormat.Mooc),
            Module("B", themes: ["mna", "violences-ip"], priceCents: 4500, format: ModuleFormat.Accompanied, cpf: true, certification: "RS1234"),
            Module("C", themes: ["attachement"], priceCents: 9000, format: ModuleFormat.Accompanied, hours: 25));

        var results = _search.Search(filters: [("prix", "payant"), ("theme", "mna")]);
        var counts = results.Facets.ToDictionary(f => f.Facet.Name, f => f.Values.ToDictionary(v => v.Value, v => v.Count));
        Assert.Equal(new Dictionary<string, int> { ["mna"] = 1, ["violences-ip"] = 1, ["attachement"] = 1 }, counts["theme"]); // paid modules, any theme
        Assert.Equal(new Dictionary<string, int> { ["gratuit"] = 1, ["payant"] = 1 }, counts["prix"]); // mna modules, any price
        Assert.Equal(new Dictionary<string, int> { ["accompagne"] = 1 }, counts["format"]); // both filters
        Assert.Equal(new Dictionary<string, int> { ["oui"] = 1 }, counts["cpf"]);
        Assert.Equal(new Dictionary<string, int> { ["oui"] = 1 }, counts["certifiant"]);
        Assert.Equal(new Dictionary<string, int> { ["2h-a-7h"] = 1 }, counts["duree"]);
        Assert.Equal(new Dictionary<string, int> { ["plateforme"] = 1 }, counts["source"]);
        Assert.True(results.Facets.Single(f => f.Facet.Name == "theme").Values.Single(v => v.Value == "mna").Selected);

        var text = _search.Search("B");
        Assert.Equal(new Dictionary<string, int> { ["mna"] = 1, ["violences-ip"] = 1 },
            text.Facets.Single(f => f.Facet.Name == "theme").Values.ToDictionary(v => v.Value, v => v.Count));
    }

    [Fact]
    public async Task A_module_the_curation_leaves_out_never_shows_in_hits_counts_or_highlights()
    {
        var kept = Module("Accueil d'un mineur non accompagné", themes: ["mna"]);
        var left = Module("Attachement et accueil", themes: ["attachement"], professions: ["psychologue"]);
        var own = Module("Accueil au département", owner: Portal, themes: ["familles"]);
        var other = Module("Accueil dans un autre département", owner: "autre-portail", themes: ["mna"]);
        await _search.AddAsync(kept, left, own, other);
        var rules = new CatalogCurationDto(CurationMode.Rules, ["mna"], [], []);

        var results = _search.Search("accueil", curation: rules);
        Assert.Equal([own.Title, kept.Title], results.Hits.Select(h => h.Title).Order());
        var values = results.Facets.SelectMany(f => f.Values.Select(v => v.Value)).ToList();
        Assert.DoesNotContain("attachement", values);
        Assert.DoesNotContain("psychologue", values);
        Assert.Equal(2, results.Facets.Single(f => f.Facet.Name == "source").Values.Sum(v => v.Count));

        var onlyLeftOut = _search.Search("attachement", curation: rules);
        Assert.Equal(0, onlyLeftOut.Total);
        Assert.All(onlyLeftOut.Facets, f => Assert.Empty(f.Values));
    }

    [Fact]
    public async Task Visibility_is_exactly_what_the_catalogue_curation_shows()
    {
        var modules = new[]
        {
            Module("P1", themes: ["mna"]), Module("P2", themes: ["attachement"], professions: ["psychologue"]),
            Module("P3", themes: ["handicap"], professions: ["cadre"]), Module("O1", owner: Portal), Module("X1", owner: "autre-portail"),
        };
        await _search.AddAsync(modules);
        CatalogCurationDto[] curations =
        [
            CatalogCurationDto.ShowAll,
            new(CurationMode.Rules, ["mna"], ["psychologue"], []),
            new(CurationMode.Rules, [], [], []),
            new(CurationMode.HandPicked, [], [], [modules[2].Id]),
            new(CurationMode.HandPicked, [], [], []),
        ];
        foreach (var tenant in new[] { Portal, TenantInfo.PlatformId, "autre-portail" })
            foreach (var curation in curations)
                Assert.Equal(
                    modules.Where(m => curation.Shows(m, tenant)).Select(m => m.Title).Order(),
                    _search.Titles(tenant: tenant, curation: curation).Order());
    }

    [Fact]
    public async Task The_kept_visibility_filter_follows_curation_changes_publications_and_withdrawals()
    {
        var mna = Module("Accueil MNA", themes: ["mna"]);
        var attachement = Module("Accueil et attachement", themes: ["attachement"]);
        await _search.AddAsync(mna, attachement);
        var onlyMna = new CatalogCurationDto(CurationMode.Rules, ["mna"], [], []);
        Assert.Equal([mna.Title], _search.Titles("accueil", curation: onlyMna));
        // Same rules in new lists (as read again from the database), then other rules, then the first ones again.
        Assert.Equal([mna.Title], _search.Titles("accueil", curation: new CatalogCurationDto(CurationMode.Rules, ["mna"], [], [])));
        Assert.Equal([attachement.Title], _search.Titles("accueil", curation: new CatalogCurationDto(CurationMode.Rules, ["attachement"], [], [])));
        Assert.Equal([mna.Title], _search.Titles("accueil", curation: onlyMna));

        var later = Module("Accueil MNA, suite", themes: ["mna"]);
        await _search.Index.UpsertAsync(later);
        Assert.Equal([mna.Title, later.Title], _search.Titles("accueil", curation: onlyMna).Order());
        await _search.Index.DeleteAsync(mna.Id);
        Assert.Equal([later.Title], _search.Titles("accueil", curation: onlyMna));
        Assert.Equal(1, _search.Search("accueil", curation: onlyMna).Facets.Single(f => f.Facet.Name == "theme").Values.Sum(v => v.Count));
    }

    [Fact]
    public async Task Results_sort_by_relevance_date_duration_or_price()
    {
        await _search.AddAsync(
            Module("Ancien module sur l'accueil", hours: 1, priceCents: 9000, publishedDaysAgo: 300),
            Module("Accueil", hours: 30, priceCents: 0, publishedDaysAgo: 100),
            Module("Récent, accueil d'urgence", hours: 7, priceCents: 4500, publishedDaysAgo: 1));
        Assert.Equal("Accueil", _search.Titles("accueil")[0]);
        Assert.Equal(["Récent, accueil d'urgence", "Accueil", "Ancien module sur l'accueil"], _search.Titles("accueil", sort: SearchSort.Newest));
        Assert.Equal(["Ancien module sur l'accueil", "Récent, accueil d'urgence", "Accueil"], _search.Titles("accueil", sort: SearchSort.Duration));
        Assert.Equal(["Accueil", "Récent, accueil d'urgence", "Ancien module sur l'accueil"], _search.Titles("accueil", sort: SearchSort.Price));
        Assert.Equal("Récent, accueil d'urgence", _search.Titles()[0]); // no text: newest first
    }

    [Fact]
    public async Task Results_come_twenty_per_page()
    {
        await _search.AddAsync(Enumerable.Range(1, 45).Select(i => Module($"Module {i:00}", publishedDaysAgo: i)).ToArray());
        var first = _search.Search(page: 1);
        Assert.Equal((45, 3, 20), (first.Total, first.PageCount, first.Hits.Count));
        Assert.Equal("Module 01", first.Hits[0].Title);
        var third = _search.Search(page: 3);
        Assert.Equal(["Module 41", "Module 42", "Module 43", "Module 44", "Module 45"], third.Hits.Select(h => h.Title));
        Assert.Empty(_search.Search(page: 4).Hits);
    }

    [Fact]
    public async Task Highlights_mark_the_words_found_and_escape_everything_else()
    {
        await _search.AddAsync(Module("Écrans & <b>violences</b> numériques", summary: "Les risques en ligne.",
            description: "<p>Prévenir le cyberharcèlement et les violences en ligne chez les adolescents placés.</p>"));
        var hit = Assert.Single(_search.Search("violence").Hits);
        Assert.Equal("Écrans &amp; &lt;b&gt;<mark>violences</mark>&lt;/b&gt; numériques", hit.Highlights.Title);
        Assert.Contains("<mark>violences</mark> en ligne", hit.Highlights.Summary); // from the description, the summary has no match
        Assert.Equal("Écrans &amp; &lt;b&gt;violences&lt;/b&gt; numériques", Assert.Single(_search.Search().Hits).Highlights.Title);
    }

    [Fact]
    public async Task The_index_follows_publications_and_is_rebuilt_only_when_missing()
    {
        Assert.True(_search.Index.IsNew);
        var module = Module("Le projet pour l'enfant");
        var other = Module("Autre");
        await _search.AddAsync(module, other);
        await _search.Index.UpsertAsync(module with { Title = "Le PPE, nouvelle version" });
        Assert.Equal(["Le PPE, nouvelle version"], _search.Titles("ppe"));

        await _search.Index.DeleteAsync(module.Id);
        Assert.Empty(_search.Titles("ppe"));

        // A module unpublished without its event reaching the index is dropped by the next rebuild.
        _search.Catalog.Unpublish(module.Id);
        _search.Catalog.Unpublish(other.Id);
        Assert.Equal(0, await _search.Index.RebuildAsync(_search.Catalog));
        Assert.Equal(0, _search.Search().Total);

        _search.Reopen();
        Assert.False(_search.Index.IsNew);
    }
}
