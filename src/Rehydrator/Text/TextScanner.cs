using System.Text;
using PrivateInference.Cryptography.Surrogates;

namespace PrivateInference.Rehydrator.Text;

/// <summary>
/// Finds tokens (<see cref="TokenScanner"/>) and surrogate candidates (<see cref="SurrogateFinder"/>) in text that
/// arrives in chunks, forwarding every character at once except a suffix that could still become (part of) either.
/// </summary>
/// <remarks>
/// <para>Two stages in a row. The token stage decides tokens and holds back at most
/// <see cref="TokenScanner.MaxHeldBack"/> characters. The surrogate stage reads what the token stage decided, with every
/// token's characters masked by <c>'\0'</c>, so a token always wins over a candidate inside it or across its edge, and
/// holds back at most <see cref="SurrogateFinder.MaxHeldBack"/> characters: a candidate that more text could still
/// complete, extend or unmake. Both stages decide from the text only, never from chunk boundaries, so concatenating what
/// <see cref="Push"/> and <see cref="Complete"/> return gives the tokens and candidates of the whole text.</para>
/// <para>With surrogates off, the surrogate stage passes everything through and holds nothing back.</para>
/// </remarks>
public sealed class TextScanner
{
    /// <summary>Longest suffix <see cref="Push"/> ever holds back: a token stage's and a surrogate stage's suffix.</summary>
    public const int MaxHeldBack = TokenScanner.MaxHeldBack + SurrogateFinder.MaxHeldBack;

    private readonly TokenScanner _tokens = new();
    private readonly bool _surrogates;
    private readonly StringBuilder _pending = new();
    private readonly List<TokenMatch> _pendingTokens = [];
    private string _context = string.Empty;
    private bool _completed;

    /// <summary>A scanner; <paramref name="surrogates"/> says whether surrogate candidates are looked for.</summary>
    public TextScanner(bool surrogates = true)
    {
        _surrogates = surrogates;
    }

    /// <summary>Characters received but not yet returned.</summary>
    public int HeldBack => _tokens.HeldBack + _pending.Length;

    /// <summary>Tokens and surrogate candidates of a whole text.</summary>
    public static ScannedText Find(string text, bool surrogates = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scanner = new TextScanner(surrogates);
        return Concat(scanner.Push(text), scanner.Complete());
    }

    /// <summary>Takes the next chunk; returns the text decided so far (possibly empty) with its tokens and candidates.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Complete"/>.</exception>
    public ScannedText Push(string chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ObjectDisposedException.ThrowIf(_completed, this);
        return Take(_tokens.Push(chunk), final: false);
    }

    /// <summary>Ends the input: returns everything still held, decided as the end of text decides it.</summary>
    public ScannedText Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        return Take(_tokens.Complete(), final: true);
    }

    /// <summary>Joins two consecutive pieces of scanned text.</summary>
    public static ScannedText Concat(ScannedText first, ScannedText rest)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(rest);
        if (rest.Text.Length == 0 && rest.Truncated == 0)
        {
            return first;
        }

        var shift = first.Text.Length;
        return new ScannedText(
            first.Text + rest.Text,
            [.. first.Tokens, .. rest.Tokens.Select(m => m with { Start = m.Start + shift })],
            first.Truncated + rest.Truncated)
        {
            Surrogates = [.. first.Surrogates, .. rest.Surrogates.Select(c => c with { Start = c.Start + shift })],
        };
    }

    private ScannedText Take(ScannedText decided, bool final)
    {
        if (!_surrogates)
        {
            return decided;
        }

        var offset = _pending.Length;
        _pending.Append(decided.Text);
        _pendingTokens.AddRange(decided.Tokens.Select(m => m with { Start = m.Start + offset }));
        if (_pending.Length == 0)
        {
            return decided;
        }

        var text = _pending.ToString();
        var masked = new StringBuilder(_context.Length + text.Length).Append(_context).Append(text);
        foreach (var token in _pendingTokens)
        {
            for (var k = 0; k < token.Length; k++)
            {
                masked[_context.Length + token.Start + k] = '\0';
            }
        }

        var view = masked.ToString();
        var context = _context.Length;
        var found = new List<SurrogateCandidate>();
        var end = SurrogateFinder.Scan(view, context, final, found) - context;
        var tokens = _pendingTokens.Where(m => m.Start < end).ToList();
        var kept = view[..(context + end)];
        _context = kept.Length > SurrogateFinder.Lookback ? kept[^SurrogateFinder.Lookback..] : kept;
        _pending.Remove(0, end);
        _pendingTokens.RemoveRange(0, tokens.Count);
        for (var k = 0; k < _pendingTokens.Count; k++)
        {
            _pendingTokens[k] = _pendingTokens[k] with { Start = _pendingTokens[k].Start - end };
        }

        return new ScannedText(end == text.Length ? text : text[..end], tokens, decided.Truncated)
        {
            Surrogates = [.. found.Select(c => c with { Start = c.Start - context })],
        };
    }
}
