namespace PrivateInference.Redactor.Tests.Phi.Support;

/// <summary>
/// Rows for PHI <c>[TestCaseSource]</c> tables; the row name is the test name. Each row says which types it
/// compares: found entities of other types are ignored, so a date beside a name does not break a name row.
/// </summary>
public static class PhiRow
{
    /// <summary>Among the types of the «marked» entities, the engine must find exactly those, in order.</summary>
    public static TestCaseData Finds(string name, string marked, params EntityType[] types) =>
        Compares(name, marked, types.Distinct().ToArray(), types);

    /// <summary>Among <paramref name="compared"/>, the engine must find exactly the «marked» entities, in order.</summary>
    /// <remarks>For rows where a wrong type would be the bug: an SSN that must not also be a phone number.</remarks>
    public static TestCaseData Compares(string name, string marked, EntityType[] compared, params EntityType[] types)
    {
        if (types.Except(compared).Any())
        {
            throw new ArgumentException("Every expected type must be among the compared types.", nameof(types));
        }

        return new TestCaseData(marked, types, compared).SetName(name);
    }

    /// <summary>The engine must find no entity of <paramref name="compared"/> in <paramref name="text"/>.</summary>
    public static TestCaseData FindsNo(string name, string text, params EntityType[] compared)
    {
        if (compared.Length == 0)
        {
            throw new ArgumentException("A negative row must name the types it rules out.", nameof(compared));
        }

        return new TestCaseData(text, compared).SetName(name);
    }
}
