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
/// <see cref="Push"/> and <see cref="Complete()"/> return gives the tokens and candidates of the whole text.</para>
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
        return new TextScanner(surrogates).Complete(text);
    }

    /// <summary>Takes the next chunk; returns the text decided so far (possibly empty) with its tokens and candidates.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Complete()"/>.</exception>
    public ScannedText Push(string chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ObjectDisposedException.ThrowIf(_completed, this);
        return Take(_tokens.Push(chunk), final: false);
    }

    /// <summary>Ends the input: returns everything still held, decided as the end of text decides it.</summary>
    public ScannedText Complete() => Complete(string.Empty);

    /// <summary>Takes the last chunk and ends the input in one step: the same tokens and candidates as <see cref="Push"/>
    /// then <see cref="Complete()"/> joined with <see cref="Concat"/> (decisions depend on the text only), in one pass
    /// per stage. The unary path: one call, no copies of the text beyond the masked view.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Complete()"/>.</exception>
    public ScannedText Complete(string lastChunk)
    {
        ArgumentNullException.ThrowIfNull(lastChunk);
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        return Take(_tokens.Complete(lastChunk), final: true);
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

    /// <summary>The surrogate stage: what the token stage decided, after what this stage still held, scanned for
    /// candidates with tokens masked; returns the part decided now and keeps the rest.</summary>
    private ScannedText Take(ScannedText decided, bool final)
    {
        if (!_surrogates)
        {
            return decided;
        }

        var offset = _pending.Length;
        var text = offset == 0 ? decided.Text : string.Concat(_pending.ToString(), decided.Text);
        if (text.Length == 0)
        {
            return decided;
        }

        foreach (var token in decided.Tokens)
        {
            _pendingTokens.Add(token with { Start = token.Start + offset });
        }

        // The finder reads the left context, then the text with every token's characters masked: one copy, and none when
        // there is neither (the unary path over a text without tokens).
        var context = _context.Length;
        var view = context == 0 && _pendingTokens.Count == 0 ? text : Masked(text);
        var found = new List<SurrogateCandidate>();
        var end = SurrogateFinder.Scan(view, context, final, found) - context;
        var taken = 0;
        while (taken < _pendingTokens.Count && _pendingTokens[taken].Start < end)
        {
            taken++;
        }

        var tokens = _pendingTokens.GetRange(0, taken);
        _pendingTokens.RemoveRange(0, taken);
        for (var k = 0; k < _pendingTokens.Count; k++)
        {
            _pendingTokens[k] = _pendingTokens[k] with { Start = _pendingTokens[k].Start - end };
        }

        var keep = Math.Min(SurrogateFinder.Lookback, context + end);
        _context = view.Substring(context + end - keep, keep);
        _pending.Clear().Append(text, end, text.Length - end);
        if (context > 0)
        {
            for (var k = 0; k < found.Count; k++)
            {
                found[k] = found[k] with { Start = found[k].Start - context };
            }
        }

        return new ScannedText(end == text.Length ? text : text[..end], tokens, decided.Truncated) { Surrogates = found };
    }

    /// <summary>The left context, then <paramref name="text"/> with the pending tokens' characters replaced by <c>'\0'</c>.</summary>
    private string Masked(string text) => string.Create(_context.Length + text.Length, (Scanner: this, Text: text), static (view, state) =>
    {
        var context = state.Scanner._context;
        context.CopyTo(view);
        state.Text.CopyTo(view[context.Length..]);
        foreach (var token in state.Scanner._pendingTokens)
        {
            view.Slice(context.Length + token.Start, token.Length).Clear();
        }
    });
}
