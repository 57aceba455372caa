namespace PrivateInference.Redactor.Detection;

/// <summary>
/// Turns overlapping candidates into at most one entity per character.
/// </summary>
/// <remarks>
/// The rule, deterministic for any input order: drop candidates the caller did not ask for or that are
/// below its confidence; then take candidates in order of higher confidence, then longer span, then
/// earlier start, then lower <see cref="EntityType"/> value, keeping each one that shares no character
/// with one already kept. Sensitive authentication data is reported at the top confidence, so a track
/// always wins over the PAN inside it.
/// </remarks>
internal static class OverlapResolver
{
    private static readonly Comparison<DetectedEntity> Priority = (a, b) =>
    {
        var c = b.Confidence.CompareTo(a.Confidence);
        if (c == 0)
        {
            c = b.Length.CompareTo(a.Length);
        }

        if (c == 0)
        {
            c = a.Start.CompareTo(b.Start);
        }

        return c != 0 ? c : a.Type.CompareTo(b.Type);
    };

    public static List<DetectedEntity> Resolve(List<DetectedEntity> candidates, ScanOptions options)
    {
        var wanted = new List<DetectedEntity>(candidates.Count);
        foreach (var c in candidates)
        {
            if (c.Confidence >= options.MinConfidence && options.Wants(c.Type) && c.End > c.Start)
            {
                wanted.Add(c);
            }
        }

        if (wanted.Count <= 1)
        {
            return wanted;
        }

        wanted.Sort(Priority);
        var kept = new List<DetectedEntity>(wanted.Count);
        foreach (var c in wanted)
        {
            var free = true;
            foreach (var k in kept)
            {
                if (k.Overlaps(c))
                {
                    free = false;
                    break;
                }
            }

            if (free)
            {
                kept.Add(c);
            }
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }
}
