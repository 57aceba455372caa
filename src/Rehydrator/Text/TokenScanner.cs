using System.Text;
using PrivateInference.Cryptography;

namespace PrivateInference.Rehydrator.Text;

/// <summary>One token-shaped span in scanned text: where it is, and the token it reads as (canonical form).</summary>
/// <param name="Start">UTF-16 offset in <see cref="ScannedText.Text"/>.</param>
/// <param name="Length">UTF-16 length of the span as written (brackets included when written).</param>
/// <param name="Token">The token as <see cref="Token.TryParseLenient"/> reads it: upper case, look-alikes mapped.</param>
public readonly record struct TokenMatch(int Start, int Length, Token Token);

/// <summary>A stretch of text whose tokens are decided: the text as written and the token-shaped spans in it.</summary>
/// <param name="Text">The text, unchanged.</param>
/// <param name="Tokens">Token-shaped spans, in order, not overlapping.</param>
/// <param name="Truncated">How many token-shaped beginnings were cut off by the end of the input (a stream that ended
/// mid-token); they stay as written.</param>
public sealed record ScannedText(string Text, IReadOnlyList<TokenMatch> Tokens, int Truncated)
{
    /// <summary>Surrogate candidates, in order, not overlapping each other or a token (<see cref="TextScanner"/>).</summary>
    public IReadOnlyList<PrivateInference.Cryptography.Surrogates.SurrogateCandidate> Surrogates { get; init; } = [];

    /// <summary>Prints the shape only: the text may hold values.</summary>
    public override string ToString() => $"ScannedText({Text.Length} chars, {Tokens.Count} tokens, {Surrogates.Count} surrogate candidates, {Truncated} truncated)";
}

/// <summary>
/// Finds token-shaped spans in text that arrives in chunks, forwarding every character at once except a suffix that
/// could still become (part of) a token.
/// </summary>
/// <remarks>
/// <para>What is token-shaped (see <see cref="Token.TryParseLenient"/> for the letters): <c>[TYPE_ID]</c> or
/// <c>[TYPE_ID-SP]</c> with both brackets; or <c>TYPE_ID</c> / <c>TYPE_ID-SP</c> without brackets, standing as a word of
/// its own (no letter, digit or '_' right before or after it); in any ASCII letter case, with O for 0 and I or L for 1
/// in the ID. A bracketed candidate that does not close is read again without its opening bracket.</para>
/// <para>Hold-back rule: a suffix is held only while it is a candidate that more text could still turn into a token,
/// or change from one: an opening bracket and the word characters after it, or a word of at most 43 ASCII letters,
/// digits and '_' that starts at a word boundary, with a following "-" and up to two characters of a spelling mark,
/// and the one character after that which decides the word boundary (at most 47 characters in all). A word longer than
/// any token can be is forwarded at once; so is a trailing high surrogate's pair, which is held until its low half
/// arrives, so that no chunk ends in half a character.</para>
/// <para>The decisions depend only on the text, never on where chunks begin or end: concatenating what
/// <see cref="Push"/> and <see cref="Complete()"/> return gives exactly <see cref="Find"/> of the whole text (tested with
/// random chunkings).</para>
/// <para>At the end of the input, a held candidate that is a cut-off token (<c>[PERSON_7QH2</c>,
/// <c>PAN_7QH2K9MX3A-Q</c>, a bracketed token without its closing bracket) is not resolved: it stays as written and is
/// counted in <see cref="ScannedText.Truncated"/>.</para>
/// </remarks>
public sealed class TokenScanner
{
    /// <summary>Longest run of word characters a token can be without its spelling mark: type (32), '_', ID (10).</summary>
    internal const int MaxRun = Token.MaxEntityTypeLength + 1 + TokenId.Length;

    /// <summary>Longest suffix <see cref="Push"/> ever holds back.</summary>
    public const int MaxHeldBack = 1 + MaxRun + 1 + TokenId.SpellingLength + 1;

    private readonly StringBuilder _pending = new();
    private bool _boundaryBefore = true;
    private bool _completed;

    /// <summary>Characters received but not yet returned.</summary>
    public int HeldBack => _pending.Length;

    /// <summary>Finds the token-shaped spans of a whole text.</summary>
    public static ScannedText Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = new List<TokenMatch>();
        var truncated = 0;
        Scan(text, final: true, boundaryBefore: true, matches, ref truncated);
        return new ScannedText(text, matches, truncated);
    }

    /// <summary>Takes the next chunk; returns the text decided so far (possibly empty) with its token-shaped spans.</summary>
    /// <exception cref="InvalidOperationException">After <see cref="Complete()"/>.</exception>
    public ScannedText Push(string chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (chunk.Length == 0)
        {
            return new ScannedText(string.Empty, [], 0);
        }

        var buffer = _pending.Length == 0 ? chunk : string.Concat(_pending.ToString(), chunk);
        return Take(buffer, final: false);
    }

    /// <summary>Ends the input: returns everything still held, with its tokens decided as the end of text decides them.</summary>
    public ScannedText Complete() => Complete(string.Empty);

    /// <summary>Takes the last chunk and ends the input in one step: the same as <see cref="Push"/> then
    /// <see cref="Complete()"/> joined, in one pass and without the copy.</summary>
    public ScannedText Complete(string lastChunk)
    {
        ArgumentNullException.ThrowIfNull(lastChunk);
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        return Take(_pending.Length == 0 ? lastChunk : string.Concat(_pending.ToString(), lastChunk), final: true);
    }

    private ScannedText Take(string buffer, bool final)
    {
        var matches = new List<TokenMatch>();
        var truncated = 0;
        var decided = Scan(buffer, final, _boundaryBefore, matches, ref truncated);
        if (decided > 0)
        {
            _boundaryBefore = !IsWordChar(buffer[decided - 1]);
        }

        _pending.Clear().Append(buffer, decided, buffer.Length - decided);
        return new ScannedText(decided == buffer.Length ? buffer : buffer[..decided], matches, truncated);
    }

    /// <summary>Scans <paramref name="s"/>; returns how many characters are decided (all of them when
    /// <paramref name="final"/>). Matches and truncated candidates are those of the decided part.</summary>
    private static int Scan(ReadOnlySpan<char> s, bool final, bool boundaryBefore, List<TokenMatch> matches, ref int truncated)
    {
        var n = s.Length;
        var i = 0;
        while (i < n)
        {
            var c = s[i];
            if (c != '[' && !(char.IsAsciiLetter(c) && (i == 0 ? boundaryBefore : !IsWordChar(s[i - 1]))))
            {
                i++;
                continue;
            }

            var candidate = c == '[' ? MatchBracketed(s, i, final) : MatchBare(s, i, final);
            if (candidate.Kind == Outcome.NeedMore)
            {
                return i;
            }

            if (candidate.Kind == Outcome.Match)
            {
                matches.Add(new TokenMatch(i, candidate.Length, candidate.Token));
            }
            else if (candidate.Cut)
            {
                // The input ended inside the candidate: it stays as written, unresolved.
                truncated += candidate.Partial ? 1 : 0;
                return n;
            }

            // A match is consumed; no match skips what cannot start a token (a bracket, or a whole word).
            i += candidate.Length;
        }

        // Never end a chunk between the halves of a surrogate pair.
        return !final && n > 0 && char.IsHighSurrogate(s[n - 1]) ? n - 1 : n;
    }

    private enum Outcome
    {
        NoMatch,
        Match,
        NeedMore,
    }

    /// <summary>A candidate's outcome. Length: of the match, or how far to skip on no match. Cut: the input ended
    /// inside the candidate (final only); Partial: what was there is a token cut short.</summary>
    private readonly record struct Result(Outcome Kind, int Length, Token Token, bool Cut = false, bool Partial = false)
    {
        public static Result More => new(Outcome.NeedMore, 0, default);

        public static Result Skip(int length) => new(Outcome.NoMatch, length, default);

        public static Result CutOff(ReadOnlySpan<char> inner) => new(Outcome.NoMatch, 0, default, Cut: true, Partial: IsTokenPrefix(inner));
    }

    /// <summary>s[i] is '['. Reads '[' RUN ']' or '[' RUN '-' A A ']'.</summary>
    private static Result MatchBracketed(ReadOnlySpan<char> s, int i, bool final)
    {
        var n = s.Length;
        var start = i + 1;
        var j = ScanRun(s, start);
        var run = j - start;
        if (run > MaxRun)
        {
            return Result.Skip(1);
        }

        if (j == n)
        {
            return !final ? Result.More : run == 0 ? Result.Skip(1) : Result.CutOff(s[start..j]);
        }

        if (run == 0)
        {
            return Result.Skip(1);
        }

        if (s[j] == ']')
        {
            return Token.TryParseLenient(s[i..(j + 1)], out var token) ? new Result(Outcome.Match, j + 1 - i, token) : Result.Skip(1);
        }

        if (s[j] != '-')
        {
            return Result.Skip(1);
        }

        for (var k = j + 1; k <= j + TokenId.SpellingLength + 1; k++)
        {
            if (k == n)
            {
                return final ? Result.CutOff(s[start..k]) : Result.More;
            }

            if (k == j + TokenId.SpellingLength + 1)
            {
                return s[k] == ']' && Token.TryParseLenient(s[i..(k + 1)], out var token) ? new Result(Outcome.Match, k + 1 - i, token) : Result.Skip(1);
            }

            if (!char.IsAsciiLetterOrDigit(s[k]))
            {
                return Result.Skip(1);
            }
        }

        return Result.Skip(1);
    }

    /// <summary>s[i] is an ASCII letter at a word boundary. Reads RUN or RUN '-' A A, followed by a word boundary.</summary>
    private static Result MatchBare(ReadOnlySpan<char> s, int i, bool final)
    {
        var n = s.Length;
        var j = ScanRun(s, i);
        var run = j - i;
        if (run > MaxRun)
        {
            // Longer than any token: nothing starts inside a word, so skip all of it.
            while (j < n && IsAsciiWordChar(s[j]))
            {
                j++;
            }

            return Result.Skip(j - i);
        }

        if (j == n)
        {
            if (!final)
            {
                return Result.More;
            }

            return Token.TryParseLenient(s[i..j], out var whole) ? new Result(Outcome.Match, run, whole) : Result.CutOff(s[i..j]);
        }

        if (s[j] == '-')
        {
            // "-" and a letter or digit: a spelling mark, or a word glued on ("-Q7X", "-based"), which is no token.
            var mark = j + 1 + TokenId.SpellingLength;
            var spelled = false;
            for (var k = j + 1; k <= mark; k++)
            {
                if (k == n)
                {
                    if (!final)
                    {
                        return Result.More;
                    }

                    if (k < mark)
                    {
                        return Result.CutOff(s[i..k]);
                    }

                    spelled = true;
                    break;
                }

                if (k == mark)
                {
                    if (IsWordChar(s[k]))
                    {
                        return Result.Skip(run);
                    }

                    spelled = true;
                    break;
                }

                if (!char.IsAsciiLetterOrDigit(s[k]))
                {
                    // "-" then punctuation or space: the token ends before the dash.
                    if (k == j + 1)
                    {
                        break;
                    }

                    return Result.Skip(run);
                }
            }

            if (spelled)
            {
                return Token.TryParseLenient(s[i..mark], out var marked) ? new Result(Outcome.Match, mark - i, marked) : Result.Skip(run);
            }
        }
        else if (IsWordChar(s[j]))
        {
            // A non-ASCII letter or digit continues the word: no boundary.
            return Result.Skip(run);
        }

        return Token.TryParseLenient(s[i..j], out var plain) ? new Result(Outcome.Match, run, plain) : Result.Skip(run);
    }

    /// <summary>End of the run of ASCII letters, digits and '_' from <paramref name="start"/>, read up to one past
    /// <see cref="MaxRun"/>.</summary>
    private static int ScanRun(ReadOnlySpan<char> s, int start)
    {
        var j = start;
        while (j < s.Length && j - start <= MaxRun && IsAsciiWordChar(s[j]))
        {
            j++;
        }

        return j;
    }

    /// <summary>Whether <paramref name="inner"/> (no brackets) is a token cut short: TYPE '_' and 1-10 ID characters, or a
    /// whole ID, '-' and at most two mark characters (lenient letters).</summary>
    private static bool IsTokenPrefix(ReadOnlySpan<char> inner)
    {
        var split = inner.LastIndexOf('_');
        if (split <= 0 || split == inner.Length - 1)
        {
            return false;
        }

        if (split > Token.MaxEntityTypeLength)
        {
            return false;
        }

        Span<char> type = stackalloc char[split];
        for (var k = 0; k < split; k++)
        {
            type[k] = char.IsAsciiLetterLower(inner[k]) ? (char)(inner[k] - ('a' - 'A')) : inner[k];
        }

        if (!Token.IsValidEntityType(type))
        {
            return false;
        }

        var rest = inner[(split + 1)..];
        if (rest.Length > TokenId.Length + 1 + TokenId.SpellingLength || (rest.Length > TokenId.Length && rest[TokenId.Length] != '-'))
        {
            return false;
        }

        for (var k = 0; k < rest.Length; k++)
        {
            if (k != TokenId.Length && !IsLenientIdChar(rest[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLenientIdChar(char c)
    {
        if (!char.IsAsciiLetterOrDigit(c))
        {
            return false;
        }

        var upper = char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;
        return upper is not 'U';
    }

    private static bool IsAsciiWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>Letters and digits of any script, and '_': what makes a word go on.</summary>
    internal static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
