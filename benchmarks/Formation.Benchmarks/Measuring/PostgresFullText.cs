using System.Diagnostics;
using System.Text;
using Formation.Catalog.Contracts;
using Formation.Search.Indexing;
using Formation.Shell.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace Formation.Benchmarks.Measuring;

/// <summary>
/// The same documents in PostgreSQL full-text search, the way one would build the search there: a stored
/// <c>tsvector</c> (french configuration; title A, summary and theme labels B, description C, objectives, outline,
/// profession labels and publisher D), a GIN index, <c>websearch_to_tsquery('french', …)</c>, <c>ts_rank</c>, the top
/// 20, the count, drill-sideways facet counts and <c>ts_headline</c> for the 20 hits — everything the API returns,
/// in one statement (one pass over the matches, materialised once).
/// </summary>
public sealed class PostgresFullText(string connectionString)
{
    private const string Table = "bench_module";

    /// <summary>Facet name → column (the two arrays hold several values per module).</summary>
    private static readonly IReadOnlyList<(string Facet, string Column, bool IsArray)> FacetColumns =
    [
        ("theme", "themes", true), ("profession", "professions", true), ("format", "format", false), ("prix", "prix", false),
        ("duree", "duree", false), ("certifiant", "certifiant", false), ("cpf", "cpf", false), ("source", "source", false),
    ];

    public async Task<string> ServerVersionAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Loads the modules unless this dataset is already there; returns the load time in seconds, or null when reused.</summary>
    public async Task<double?> EnsureLoadedAsync(string datasetKey, Func<IAsyncEnumerable<PublishedModule>> modules, TextWriter log)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)");
        await using (var check = new NpgsqlCommand("SELECT value FROM bench_meta WHERE key = 'dataset'", connection))
            if (await check.ExecuteScalarAsync() as string == datasetKey) return null;

        var watch = Stopwatch.StartNew();
        await ExecuteAsync(connection, $"""
            DELETE FROM bench_meta;
            DROP TABLE IF EXISTS {Table};
            CREATE TABLE {Table} (
                id uuid PRIMARY KEY,
                owner text NOT NULL,
                title text NOT NULL,
                summary text NOT NULL,
                description text NOT NULL,
                objectives text NOT NULL,
                outline text NOT NULL,
                themes_text text NOT NULL,
                professions_text text NOT NULL,
                publisher text NOT NULL,
                themes text[] NOT NULL,
                professions text[] NOT NULL,
                format text NOT NULL,
                prix text NOT NULL,
                duree text NOT NULL,
                certifiant text NOT NULL,
                cpf text NOT NULL,
                source text NOT NULL,
                published timestamptz NOT NULL,
                tsv tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('french', title), 'A') ||
                    setweight(to_tsvector('french', summary || ' ' || themes_text), 'B') ||
                    setweight(to_tsvector('french', description), 'C') ||
                    setweight(to_tsvector('french', objectives || ' ' || outline || ' ' || professions_text || ' ' || publisher), 'D')) STORED
            );
            """);
        var count = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY {Table} (id, owner, title, summary, description, objectives, outline, themes_text, professions_text, publisher, themes, professions, format, prix, duree, certifiant, cpf, source, published) FROM STDIN (FORMAT BINARY)"))
        {
            await foreach (var m in modules())
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(m.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(m.OwnerTenantId, NpgsqlDbType.Text);
                await writer.WriteAsync(m.Title, NpgsqlDbType.Text);
                await writer.WriteAsync(m.Summary, NpgsqlDbType.Text);
                await writer.WriteAsync(ModuleDocument.PlainText(m.DescriptionHtml), NpgsqlDbType.Text);
                await writer.WriteAsync(string.Join("\n", m.Objectives), NpgsqlDbType.Text);
                await writer.WriteAsync(string.Join("\n", m.Outline), NpgsqlDbType.Text);
                await writer.WriteAsync(string.Join(". ", m.Themes.Select(SearchFacets.Theme.LabelOf)), NpgsqlDbType.Text);
                await writer.WriteAsync(string.Join(". ", m.Professions.Select(SearchFacets.Profession.LabelOf)), NpgsqlDbType.Text);
                await writer.WriteAsync(m.PublisherName, NpgsqlDbType.Text);
                await writer.WriteAsync(SearchFacets.Theme.ValuesOf(m).Distinct().ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await writer.WriteAsync(SearchFacets.Profession.ValuesOf(m).Distinct().ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                foreach (var facet in new[] { SearchFacets.Format, SearchFacets.Price, SearchFacets.Duration, SearchFacets.Certifying, SearchFacets.Cpf, SearchFacets.Source })
                    await writer.WriteAsync(facet.ValuesOf(m).Single(), NpgsqlDbType.Text);
                await writer.WriteAsync(m.PublishedUtc.UtcDateTime, NpgsqlDbType.TimestampTz);
                if (++count % 50_000 == 0) log.WriteLine($"  {count:N0} rows copied ({watch.Elapsed.TotalSeconds:F0} s)");
            }
            await writer.CompleteAsync();
        }
        log.WriteLine($"  {count:N0} rows copied; building the GIN indexes…");
        await ExecuteAsync(connection, $"""
            CREATE INDEX {Table}_tsv ON {Table} USING gin (tsv);
            CREATE INDEX {Table}_themes ON {Table} USING gin (themes);
            CREATE INDEX {Table}_professions ON {Table} USING gin (professions);
            CREATE INDEX {Table}_owner ON {Table} (owner);
            CREATE INDEX {Table}_published ON {Table} (published DESC);
            """);
        await ExecuteAsync(connection, $"VACUUM ANALYZE {Table}");
        await using (var mark = new NpgsqlCommand("INSERT INTO bench_meta (key, value) VALUES ('dataset', @key)", connection))
        {
            mark.Parameters.AddWithValue("key", datasetKey);
            await mark.ExecuteNonQueryAsync();
        }
        return watch.Elapsed.TotalSeconds;
    }

    public async Task<long> TableBytesAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT pg_total_relation_size('{Table}')", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What a search returns: the total and the 20 hits' ids (and, in full mode, facet counts and highlights).</summary>
    public sealed record Answer(long Total, int Hits, int FacetValues);

    /// <summary>Runs the search of <paramref name="query"/> for the portal; <paramref name="full"/> adds facet counts and highlights.</summary>
    public async Task<Answer> SearchAsync(NpgsqlConnection connection, BenchmarkQuery query, string portal, CatalogCurationDto curation, bool full)
    {
        await using var command = new NpgsqlCommand(Sql(query, curation, full), connection);
        command.Parameters.AddWithValue("text", query.Text);
        command.Parameters.AddWithValue("portal", portal);
        command.Parameters.AddWithValue("platform", TenantInfo.PlatformId);
        command.Parameters.AddWithValue("cur_themes", curation.Themes.ToArray());
        command.Parameters.AddWithValue("cur_professions", curation.Professions.ToArray());
        command.Parameters.AddWithValue("cur_picked", curation.PickedModuleIds.ToArray());
        command.Parameters.AddWithValue("hl", "StartSel=<mark>, StopSel=</mark>, HighlightAll=true");
        foreach (var (facet, _, _) in FacetColumns)
            command.Parameters.AddWithValue("f_" + facet, query.Filters.Where(f => f.Facet == facet).Select(f => f.Value).ToArray());
        long total = 0;
        int hits = 0, facetValues = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            switch (reader.GetString(0))
            {
                case "total": total = (long)reader.GetDouble(4); break;
                case "hit": hits++; _ = reader.IsDBNull(2) ? null : reader.GetString(2); break;
                default: facetValues++; break;
            }
        }
        return new Answer(total, hits, facetValues);
    }

    /// <summary>The SQL of one search. Parameters carry every value; only the shape depends on the query.</summary>
    public static string Sql(BenchmarkQuery query, CatalogCurationDto curation, bool full)
    {
        var hasText = query.Text.Trim().Length > 0;
        var visibility = curation.Mode switch
        {
            CurationMode.All => "(b.owner = @portal OR b.owner = @platform)",
            CurationMode.Rules => "(b.owner = @portal OR (b.owner = @platform AND (b.themes && @cur_themes OR b.professions && @cur_professions)))",
            CurationMode.HandPicked => "(b.owner = @portal OR (b.owner = @platform AND b.id = ANY(@cur_picked)))",
            _ => "b.owner = @portal",
        };
        var filtered = FacetColumns.Where(f => query.Filters.Any(q => q.Facet == f.Facet)).ToList();
        string Filters(string? except) => filtered.Where(f => f.Facet != except).Select(f => f.IsArray ? $"{f.Column} && @f_{f.Facet}" : $"{f.Column} = ANY(@f_{f.Facet})")
            .DefaultIfEmpty("true").Aggregate((a, b) => a + " AND " + b);
        var rank = hasText ? "ts_rank(b.tsv, q.q)" : "0::real";
        var match = hasText ? "b.tsv @@ q.q AND " : "";
        var order = hasText ? "rank DESC, published DESC" : "published DESC";
        var from = hasText ? $"{Table} b, q" : $"{Table} b";

        var sql = new StringBuilder();
        sql.Append("WITH q AS (SELECT websearch_to_tsquery('french', @text) AS q),\n");
        if (!full)
        {
            sql.Append($"m AS MATERIALIZED (SELECT b.id, b.published, {rank} AS rank FROM {from} WHERE {match}{visibility} AND {Filters(null)})\n");
            sql.Append($"SELECT 'hit' AS kind, id::text AS key, NULL::text AS a, NULL::text AS b, rank::float8 AS n FROM (SELECT * FROM m ORDER BY {order} LIMIT 20) t\n");
            sql.Append("UNION ALL SELECT 'total', NULL, NULL, NULL, count(*) FROM m");
            return sql.ToString();
        }
        sql.Append($"m AS MATERIALIZED (SELECT b.id, b.published, {rank} AS rank, b.themes, b.professions, b.format, b.prix, b.duree, b.certifiant, b.cpf, b.source FROM {from} WHERE {match}{visibility}),\n");
        sql.Append($"top AS (SELECT id, rank, published FROM m WHERE {Filters(null)} ORDER BY {order} LIMIT 20)\n");
        sql.Append(hasText
            ? $"SELECT 'hit' AS kind, t.id::text AS key, ts_headline('french', b.title, q.q, @hl) AS a, ts_headline('french', b.summary, q.q, @hl) AS b, t.rank::float8 AS n FROM top t JOIN {Table} b ON b.id = t.id, q\n"
            : $"SELECT 'hit' AS kind, t.id::text AS key, b.title AS a, b.summary AS b, t.rank::float8 AS n FROM top t JOIN {Table} b ON b.id = t.id\n");
        sql.Append($"UNION ALL SELECT 'total', NULL, NULL, NULL, count(*) FROM m WHERE {Filters(null)}\n");
        foreach (var (facet, column, isArray) in FacetColumns)
            sql.Append(isArray
                ? $"UNION ALL SELECT '{facet}', v, NULL, NULL, count(*) FROM m, unnest(m.{column}) v WHERE {Filters(facet)} GROUP BY v\n"
                : $"UNION ALL SELECT '{facet}', {column}, NULL, NULL, count(*) FROM m WHERE {Filters(facet)} GROUP BY {column}\n");
        return sql.ToString();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1800 };
        await command.ExecuteNonQueryAsync();
    }
}
