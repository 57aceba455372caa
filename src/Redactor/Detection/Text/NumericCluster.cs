namespace PrivateInference.Redactor.Detection.Text;

/// <summary>How two digit groups are joined.</summary>
internal enum SeparatorKind : byte
{
    None,
    Space,
    Dash,
    Dot,
    Slash,
    Colon,
}

/// <summary>A run of digits (ASCII or full-width) with any invisible characters inside it.</summary>
internal struct DigitGroup
{
    /// <summary>Index of the first digit.</summary>
    public int Start;

    /// <summary>Index one past the last digit.</summary>
    public int End;

    /// <summary>Number of digits in the group (all of them, even past the stored prefix).</summary>
    public int DigitCount;

    /// <summary>Offset of this group's first stored digit in <see cref="NumericCluster.Digits"/>.</summary>
    public int DigitOffset;

    /// <summary>The separator between the previous group and this one (<see cref="SeparatorKind.None"/> for the first).</summary>
    public SeparatorKind Before;
}

/// <summary>
/// Digit groups joined by single grouping separators ("4111 1111-…", "12/27", "123-45-6789"), read in
/// one forward pass. Recognizers look at windows of consecutive groups.
/// </summary>
/// <remarks>Reading is linear in the characters consumed and bounded in memory: at most
/// <see cref="MaxGroups"/> groups and <see cref="MaxStoredDigits"/> stored digits per group, so
/// adversarial inputs (megabytes of digits or separators) cannot make a scan super-linear.</remarks>
internal sealed class NumericCluster
{
    public const int MaxGroups = 48;
    public const int MaxStoredDigits = 40;

    private readonly DigitGroup[] _groups = new DigitGroup[MaxGroups];
    private readonly byte[] _digits = new byte[MaxGroups * MaxStoredDigits];

    public int Count { get; private set; }

    public ReadOnlySpan<DigitGroup> Groups => _groups.AsSpan(0, Count);

    public ref readonly DigitGroup this[int index] => ref _groups[index];

    public ReadOnlySpan<byte> Digits => _digits;

    public int Start => _groups[0].Start;

    public int End => _groups[Count - 1].End;

    /// <summary>Stored digits of one group (at most <see cref="MaxStoredDigits"/>).</summary>
    public ReadOnlySpan<byte> DigitsOf(int group)
    {
        ref readonly var g = ref _groups[group];
        return _digits.AsSpan(g.DigitOffset, Math.Min(g.DigitCount, MaxStoredDigits));
    }

    /// <summary>Total digits in groups <paramref name="first"/>..<paramref name="last"/>.</summary>
    public int DigitCount(int first, int last)
    {
        var n = 0;
        for (var i = first; i <= last; i++)
        {
            n += _groups[i].DigitCount;
        }

        return n;
    }

    /// <summary>Copies the digits of groups first..last into <paramref name="destination"/>; returns the count,
    /// or -1 when they do not fit or a group was longer than what is stored.</summary>
    public int CopyDigits(int first, int last, Span<byte> destination)
    {
        var n = 0;
        for (var i = first; i <= last; i++)
        {
            var d = DigitsOf(i);
            if (_groups[i].DigitCount > MaxStoredDigits || n + d.Length > destination.Length)
            {
                return -1;
            }

            d.CopyTo(destination[n..]);
            n += d.Length;
        }

        return n;
    }

    /// <summary>True when every separator inside groups first..last is <paramref name="kind"/>.</summary>
    public bool JoinedBy(int first, int last, SeparatorKind kind)
    {
        for (var i = first + 1; i <= last; i++)
        {
            if (_groups[i].Before != kind)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the cluster that starts with the digit at <paramref name="position"/>; returns the index
    /// where scanning should resume (just past the last group read).</summary>
    public int Read(ReadOnlySpan<char> text, int position)
    {
        Count = 0;
        var pos = position;
        var before = SeparatorKind.None;
        var stored = 0;
        while (true)
        {
            ref var g = ref _groups[Count];
            g.Start = pos;
            g.DigitOffset = stored;
            g.Before = before;
            var digits = 0;
            var lastDigitEnd = pos;
            while (pos < text.Length)
            {
                var c = text[pos];
                var v = Chars.DigitValue(c);
                if (v >= 0)
                {
                    if (digits < MaxStoredDigits)
                    {
                        _digits[stored + digits] = (byte)v;
                    }

                    digits++;
                    pos++;
                    lastDigitEnd = pos;
                }
                else if (Chars.IsInvisible(c))
                {
                    pos++;
                }
                else
                {
                    break;
                }
            }

            g.End = lastDigitEnd;
            g.DigitCount = digits;
            stored += Math.Min(digits, MaxStoredDigits);
            Count++;
            if (Count == MaxGroups)
            {
                return lastDigitEnd;
            }

            var next = ReadSeparator(text, lastDigitEnd, out before);
            if (next < 0)
            {
                return lastDigitEnd;
            }

            pos = next;
        }
    }

    /// <summary>Reads a grouping separator at <paramref name="position"/>: one or two spaces, or one of
    /// - . / : (dash and slash may have a space on each side). Returns the index of the next group's
    /// first digit, or -1 when no group follows.</summary>
    private static int ReadSeparator(ReadOnlySpan<char> text, int position, out SeparatorKind kind)
    {
        kind = SeparatorKind.None;
        var p = SkipInvisible(text, position);
        var spacesBefore = 0;
        while (p < text.Length && spacesBefore < 3 && Chars.IsGroupingSpace(text[p]))
        {
            spacesBefore++;
            p = SkipInvisible(text, p + 1);
        }

        if (p >= text.Length)
        {
            return -1;
        }

        var c = text[p];
        if (Chars.IsDigit(c))
        {
            if (spacesBefore is 0 or > 2)
            {
                return -1;
            }

            kind = SeparatorKind.Space;
            return p;
        }

        var mark = Chars.IsGroupingDash(c) ? SeparatorKind.Dash
            : c == '/' ? SeparatorKind.Slash
            : c == '.' ? SeparatorKind.Dot
            : c == ':' ? SeparatorKind.Colon
            : SeparatorKind.None;
        if (mark == SeparatorKind.None || spacesBefore > 1 || (spacesBefore == 1 && mark is SeparatorKind.Dot or SeparatorKind.Colon))
        {
            return -1;
        }

        p = SkipInvisible(text, p + 1);
        var spacesAfter = 0;
        if (p < text.Length && Chars.IsGroupingSpace(text[p]) && mark is SeparatorKind.Dash or SeparatorKind.Slash)
        {
            spacesAfter = 1;
            p = SkipInvisible(text, p + 1);
        }

        if (p >= text.Length || !Chars.IsDigit(text[p]) || spacesAfter != spacesBefore)
        {
            return -1;
        }

        kind = mark;
        return p;
    }

    private static int SkipInvisible(ReadOnlySpan<char> text, int p)
    {
        while (p < text.Length && Chars.IsInvisible(text[p]))
        {
            p++;
        }

        return p;
    }
}
