using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection;

/// <summary>Working memory of one scan: the current cluster, the candidates so far, and what the
/// recognizers tell each other (where the last PAN and expiry ended). Reused per thread.</summary>
internal sealed class ScanState
{
    [ThreadStatic]
    private static ScanState? t_cached;

    public NumericCluster Cluster { get; } = new();

    public List<DetectedEntity> Candidates { get; } = [];

    /// <summary>End of the last PAN candidate, or -1.</summary>
    public int LastPanEnd { get; set; } = -1;

    /// <summary>End of the last expiry, or -1.</summary>
    public int LastExpiryEnd { get; set; } = -1;

    /// <summary>End of the last expiry that directly followed a PAN, or -1.</summary>
    public int LastExpiryAfterPanEnd { get; set; } = -1;

    /// <summary>End of the last identifier token inspected, so a token of several words is read once.</summary>
    public int IdentifierScanEnd { get; set; }

    /// <summary>Word tokens of the person recognizer, reused across scans on this thread.</summary>
    public List<People.PersonRecognizer.NameToken> NameTokens { get; } = [];

    /// <summary>Name parts found in the current document (for finding them again elsewhere in it).</summary>
    public HashSet<string> NamesFound { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ScanState Rent()
    {
        var state = t_cached ?? new ScanState();
        t_cached = null;
        state.Candidates.Clear();
        state.LastPanEnd = -1;
        state.LastExpiryAfterPanEnd = -1;
        state.LastExpiryEnd = -1;
        state.IdentifierScanEnd = 0;
        state.NamesFound.Clear();
        return state;
    }

    public static void Return(ScanState state)
    {
        // Entities hold offsets only, but a scan's list should not stay huge across calls.
        state.Candidates.Clear();
        if (state.Candidates.Capacity > 4096)
        {
            state.Candidates.Capacity = 16;
        }

        state.NameTokens.Clear();
        if (state.NameTokens.Capacity > 65536)
        {
            state.NameTokens.Capacity = 256;
        }

        state.NamesFound.Clear();
        t_cached = state;
    }

    public void Add(EntityType type, int start, int end, double confidence, string recognizer) =>
        Candidates.Add(new DetectedEntity(type, start, end, Math.Clamp(confidence, 0.01, 1.0), recognizer));

    /// <summary>True when [start, end) lies inside a candidate already found for this cluster.</summary>
    public bool IsCovered(int start, int end)
    {
        for (var i = Candidates.Count - 1; i >= 0; i--)
        {
            var c = Candidates[i];
            if (c.End <= start && c.End < Cluster.Start)
            {
                return false;
            }

            if (c.Start <= start && c.End >= end)
            {
                return true;
            }
        }

        return false;
    }
}
