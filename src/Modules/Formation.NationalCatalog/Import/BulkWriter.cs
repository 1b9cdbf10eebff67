using System.Data.Common;

namespace Formation.NationalCatalog.Import;

/// <summary>
/// Many parameterised statements on the scope's connection and transaction: batched where the provider can
/// (PostgreSQL, one round trip per 500), one prepared command per statement text otherwise (SQLite, in-process).
/// </summary>
internal sealed class BulkWriter(DbConnection connection, DbTransaction? transaction) : IAsyncDisposable
{
    private const int BatchSize = 500;
    private readonly Dictionary<string, DbCommand> _commands = [];
    private DbBatch? _batch;

    public async Task AddAsync(string sql, object?[] values, CancellationToken ct)
    {
        if (connection.CanCreateBatch)
        {
            _batch ??= CreateBatch();
            var command = _batch.CreateBatchCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "p" + i;
                parameter.Value = values[i] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            _batch.BatchCommands.Add(command);
            if (_batch.BatchCommands.Count >= BatchSize) await FlushAsync(ct);
            return;
        }
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = cmd.CreateParameter();
                parameter.ParameterName = "@p" + i;
                cmd.Parameters.Add(parameter);
            }
            _commands[sql] = cmd;
        }
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private DbBatch CreateBatch()
    {
        var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        return batch;
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_batch is null || _batch.BatchCommands.Count == 0) return;
        await _batch.ExecuteNonQueryAsync(ct);
        await _batch.DisposeAsync();
        _batch = null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values) await command.DisposeAsync();
        if (_batch is not null) await _batch.DisposeAsync();
    }
}
