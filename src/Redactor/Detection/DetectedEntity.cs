namespace PrivateInference.Redactor.Detection;

/// <summary>Where one sensitive entity is in a text. Holds offsets, never the value.</summary>
/// <param name="Type">What kind of entity.</param>
/// <param name="Start">UTF-16 index of the first character (inclusive).</param>
/// <param name="End">UTF-16 index one past the last character (exclusive).</param>
/// <param name="Confidence">0..1 after validators and context rules.</param>
/// <param name="Recognizer">The recognizer that produced it, e.g. <c>pan</c>.</param>
public readonly record struct DetectedEntity(EntityType Type, int Start, int End, double Confidence, string Recognizer)
{
    /// <summary>Number of UTF-16 code units covered.</summary>
    public int Length => End - Start;

    /// <summary>True when the two entities share at least one character.</summary>
    public bool Overlaps(in DetectedEntity other) => Start < other.End && other.Start < End;
}
