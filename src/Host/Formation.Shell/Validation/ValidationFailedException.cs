namespace Formation.Shell.Validation;

/// <summary>
/// A use case refused its input. Errors are keyed by field (the input's property name) with French messages,
/// so that pages show them beside the field, APIs answer a validation problem and recipes name the field.
/// </summary>
public sealed class ValidationFailedException : Exception
{
    public ValidationFailedException(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] }) { }

    public ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
        : base(string.Join(" ", errors.SelectMany(e => e.Value)))
    {
        Errors = errors;
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
    public string FirstField => Errors.Keys.First();
}

/// <summary>Collects errors, then throws them all at once.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new();

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public bool Any => _errors.Count > 0;

    public void ThrowIfAny()
    {
        if (Any) throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
