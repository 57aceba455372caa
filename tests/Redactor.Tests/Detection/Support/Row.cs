namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>Rows for <c>[TestCaseSource]</c> tables; the row name is the test name.</summary>
public static class Row
{
    /// <summary>The engine must find exactly the «marked» entities, of these types, in order.</summary>
    public static TestCaseData Finds(string name, string marked, params EntityType[] types) =>
        new TestCaseData(marked, types).SetName(name);

    /// <summary>The engine must find nothing in <paramref name="text"/>.</summary>
    public static TestCaseData FindsNothing(string name, string text) =>
        new TestCaseData(text).SetName(name);

    /// <summary>The plain text of a row from either kind of table.</summary>
    public static string TextOf(TestCaseData row) =>
        MarkedText.Parse((string)row.Arguments[0]!).Text;
}
