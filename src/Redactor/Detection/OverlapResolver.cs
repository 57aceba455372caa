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

        wanted.Sort(ByStart);
        if (!AnyOverlap(wanted))
        {
            return wanted;
        }

        DropContained(wanted);

        // Mark kept characters in a coverage map over the candidates' extent: linear in the covered
        // length, so a megabyte of candidates resolves in linear time.
        var origin = wanted[0].Start;
        var extent = wanted.Max(c => c.End) - origin;
        var covered = System.Buffers.ArrayPool<bool>.Shared.Rent(extent);
        try
        {
            Array.Clear(covered, 0, extent);
            wanted.Sort(Priority);
            var kept = new List<DetectedEntity>(wanted.Count);
            foreach (var c in wanted)
            {
                var span = covered.AsSpan(c.Start - origin, c.Length);
                if (!span.Contains(true))
                {
                    span.Fill(true);
                    kept.Add(c);
                }
            }

            kept.Sort(ByStart);
            return kept;
        }
        finally
        {
            System.Buffers.ArrayPool<bool>.Shared.Return(covered);
        }
    }

    // Equal starts: the longer first, so containment is seen from the outer entity.
    private static readonly Comparison<DetectedEntity> ByStart = (a, b) =>
    {
        var c = a.Start.CompareTo(b.Start);
        if (c == 0)
        {
            c = b.End.CompareTo(a.End);
        }

        return c != 0 ? c : Priority(a, b);
    };

    /// <summary>An entity inside a longer one of nearly the same confidence is part of it ("San José" inside
    /// "12 Oak Ave, San José, CA"): the longer one explains it, and keeping it would cut the longer one.</summary>
    private static void DropContained(List<DetectedEntity> sortedByStart)
    {
        const double Margin = 0.1;
        var keep = new bool[sortedByStart.Count];
        Array.Fill(keep, true);
        for (var i = 0; i < sortedByStart.Count; i++)
        {
            var outer = sortedByStart[i];
            for (var j = i + 1; j < sortedByStart.Count && sortedByStart[j].Start < outer.End; j++)
            {
                var inner = sortedByStart[j];
                if (inner.End <= outer.End && inner.Length < outer.Length && outer.Confidence >= inner.Confidence - Margin)
                {
                    keep[j] = false;
                }
            }
        }

        var w = 0;
        for (var i = 0; i < sortedByStart.Count; i++)
        {
            if (keep[i])
            {
                sortedByStart[w++] = sortedByStart[i];
            }
        }

        sortedByStart.RemoveRange(w, sortedByStart.Count - w);
    }

    private static bool AnyOverlap(List<DetectedEntity> sortedByStart)
    {
        var end = int.MinValue;
        foreach (var c in sortedByStart)
        {
            if (c.Start < end)
            {
                return true;
            }

            end = Math.Max(end, c.End);
        }

        return false;
    }
}
