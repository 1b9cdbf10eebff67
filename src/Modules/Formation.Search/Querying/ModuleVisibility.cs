using Formation.Catalog.Contracts;
using Formation.Search.Indexing;
using Formation.Shell.Tenancy;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Formation.Search.Querying;

/// <summary>
/// The modules a portal shows, as an index filter: the rule of <see cref="CatalogCurationDto.Shows"/> —
/// its own modules, plus the platform's shared modules its curation selects. Applied to hits, facet counts and
/// highlights alike, at query time, so a curation change needs no reindexing.
/// </summary>
public sealed record ModuleVisibility(string TenantId, CatalogCurationDto Curation, DocumentScope? Documents = null)
{
    /// <summary>Equal for the same portal and the same curation (its lists compared by content, in any order).</summary>
    public string CacheKey => string.Join('|', TenantId, Curation.Mode,
        string.Join(',', Curation.Themes.Order(StringComparer.Ordinal)), string.Join(',', Curation.Professions.Order(StringComparer.Ordinal)),
        string.Join(',', Curation.PickedModuleIds.Order()), (Documents ?? DocumentScope.None).CacheKey);

    public Query ToQuery()
    {
        // Other modules' documents carry kind=document; modules never do, so each clause keeps to its own (documents
        // owned by the platform would otherwise pass as shared modules).
        var onlyModules = new BooleanQuery { { ModulesQuery(), Occur.MUST }, { new TermQuery(new Term(DocumentFields.Kind, DocumentFields.DocumentKind)), Occur.MUST_NOT } };
        if (Documents is not { Features.Count: > 0 } documents) return onlyModules;
        return new BooleanQuery { { onlyModules, Occur.SHOULD }, { documents.ToQuery(TenantId), Occur.SHOULD } };
    }

    private Query ModulesQuery()
    {
        var own = new TermQuery(new Term(ModuleDocument.Owner, TenantId));
        if (TenantId == TenantInfo.PlatformId) return own;
        var shared = new BooleanQuery
        {
            { new TermQuery(new Term(ModuleDocument.Owner, TenantInfo.PlatformId)), Occur.MUST },
            { Curated(), Occur.MUST },
        };
        return new BooleanQuery { { own, Occur.SHOULD }, { shared, Occur.SHOULD } };
    }

    private Query Curated() => Curation.Mode switch
    {
        CurationMode.All => new MatchAllDocsQuery(),
        CurationMode.Rules => AnyOf([.. Curation.Themes.Select(t => new Term(SearchFacets.Theme.Name, t)),
                                     .. Curation.Professions.Select(p => new Term(SearchFacets.Profession.Name, p))]),
        CurationMode.HandPicked => AnyOf(Curation.PickedModuleIds.Select(ModuleDocument.IdTerm)),
        _ => AnyOf([]),
    };

    /// <summary>Any of these terms; none at all matches nothing, as in <see cref="CatalogCurationDto.Shows"/>.</summary>
    private static BooleanQuery AnyOf(IEnumerable<Term> terms)
    {
        var any = new BooleanQuery();
        foreach (var term in terms) any.Add(new TermQuery(term), Occur.SHOULD);
        return any;
    }
}
