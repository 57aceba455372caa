namespace PrivateInference.Redactor.Detection.Identifiers;

/// <summary>
/// A record number written right after a patient's name in a header or a list: "Long, Jennifer  #00259874",
/// "ELLISON, ERIC (WY556479)" (see <see cref="RecordCode"/>); it is reported as an MRN.
/// </summary>
/// <remarks>Runs after the person recognizer and reads the names it found.</remarks>
internal sealed class RecordNumberAfterNameRecognizer : ITextRecognizer
{
    public string Name => "record_after_name";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        var count = state.Candidates.Count;
        for (var i = 0; i < count; i++)
        {
            var person = state.Candidates[i];
            if (person.Type != EntityType.Person)
            {
                continue;
            }

            if (RecordCode.TryRead(text, person.End, out var start, out var end) && !state.IsCovered(start, end))
            {
                state.Add(EntityType.Mrn, start, end, 0.75, Name);
            }
        }
    }
}
