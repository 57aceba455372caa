using System.Net;
using System.Net.Sockets;
using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Sequences;

/// <summary>
/// IPv4 addresses from numeric clusters (four dot-joined groups, each 0–255, not part of a longer dotted
/// run such as a version string) and IPv6 addresses anchored on ':' and confirmed by the Recognizers.Text
/// IP model; both validated by <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>.
/// </summary>
internal sealed class IpAddressRecognizer : INumericRecognizer, ITextRecognizer
{
    private static readonly CueWords VersionCues = new("version", "ver", "v", "build", "release", "firmware", "software", "app", "sdk", "os", "rev");

    private static readonly System.Buffers.SearchValues<char> HexLetters = System.Buffers.SearchValues.Create("abcdefABCDEF");

    public string Name => "ip_address";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var n = cluster.Count;
        for (var i = 0; i + 3 < n; i++)
        {
            if (!cluster.JoinedBy(i, i + 3, SeparatorKind.Dot)
                || (i > 0 && cluster[i].Before == SeparatorKind.Dot)
                || (i + 4 < n && cluster[i + 4].Before == SeparatorKind.Dot))
            {
                continue;
            }

            var start = cluster[i].Start;
            var end = cluster[i + 3].End;
            if ((start > 0 && (char.IsAsciiLetter(text[start - 1]) || text[start - 1] == '.')) || Context.CueBefore(text, start, VersionCues, 1, 16))
            {
                continue;
            }

            if (IPAddress.TryParse(text[start..end], out var address) && address.AddressFamily == AddressFamily.InterNetwork && AllGroupsAreOctets(cluster, i))
            {
                // Include a ":port" suffix: it is part of the same network identifier.
                state.Add(EntityType.IpAddress, start, end, 0.95, Name);
            }
        }
    }

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        var from = 0;
        var coveredUntil = 0;
        while (from < text.Length)
        {
            var colon = text[from..].IndexOf(':');
            if (colon < 0)
            {
                return;
            }

            colon += from;
            from = colon + 1;
            if (colon < coveredUntil || !LooksLikeIpv6Around(text, colon))
            {
                continue;
            }

            var start = colon;
            while (start > 0 && IsIpv6Char(text[start - 1]))
            {
                start--;
            }

            var end = colon;
            while (end < text.Length && IsIpv6Char(text[end]))
            {
                end++;
            }

            while (end > colon && text[end - 1] == '.')
            {
                end--;
            }

            coveredUntil = end;
            var candidate = text[start..end];
            if (IsMacAddress(candidate))
            {
                // A network card's address identifies a device (HIPAA's device identifiers).
                state.Add(EntityType.DeviceId, start, end, 0.9, Name);
                continue;
            }

            if (candidate.Count(':') < 2 || !IPAddress.TryParse(candidate, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                continue;
            }

            foreach (var (s, e) in SequenceModels.Find(SequenceModels.Ip, text, start, end))
            {
                if (s == start && e == end)
                {
                    state.Add(EntityType.IpAddress, s, e, 0.95, Name);
                }
            }
        }
    }

    /// <summary>Six pairs of hex digits joined by ':' ("79:30:90:B2:B4:4D").</summary>
    private static bool IsMacAddress(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length != 17)
        {
            return false;
        }

        for (var i = 0; i < 17; i++)
        {
            var ok = i % 3 == 2 ? candidate[i] == ':' : char.IsAsciiHexDigit(candidate[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllGroupsAreOctets(NumericCluster cluster, int first)
    {
        for (var g = first; g < first + 4; g++)
        {
            if (cluster[g].DigitCount is < 1 or > 3)
            {
                return false;
            }
        }

        return true;
    }

    private static bool LooksLikeIpv6Around(ReadOnlySpan<char> text, int colon)
    {
        // Hex digits or another colon on at least one side, and a hex letter or "::" somewhere near:
        // times ("09:26:53") have neither.
        var lo = Math.Max(0, colon - 40);
        var hi = Math.Min(text.Length, colon + 40);
        var window = text[lo..hi];
        return window.Contains("::", StringComparison.Ordinal) || window.IndexOfAny(HexLetters) >= 0 && (colon + 1 < text.Length && char.IsAsciiHexDigit(text[colon + 1]));
    }

    private static bool IsIpv6Char(char c) => char.IsAsciiHexDigit(c) || c is ':' or '.';
}
