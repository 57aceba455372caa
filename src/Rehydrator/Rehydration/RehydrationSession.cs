using PrivateInference.Cryptography;
using System.Diagnostics;
using System.Text;
using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Masking;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Text;

namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>
/// One streamed rehydration, authorized once: chunks in, text out, a summary at the end. Each
/// <see cref="WriteAsync"/> is a window: its finished tokens go to the vault in one Detokenize (split at the batch limit),
/// and its text comes back at once, except the suffix the hold-back rule keeps (<see cref="TokenScanner"/>).
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one caller writes, in order. After a refusal or failure the stream is finished and every
/// further call throws <see cref="InvalidOperationException"/>; what earlier windows returned stays returned.</para>
/// <para>The agent's token and break-glass grant are checked again at every window: a stream is not served past
/// either's expiry.</para>
/// </remarks>
public sealed class RehydrationSession
{
    private readonly RehydrationEngine _engine;
    private readonly AuthenticatedAgent _agent;
    private readonly PolicyDecision _decision;
    private readonly string? _grant;
    private readonly TokenScanner _scanner = new();
    private readonly Dictionary<(string Type, RehydrationAction Action), int> _counts = [];
    private readonly Dictionary<string, int> _unreportedWithheld = new(StringComparer.Ordinal);
    private int _unresolved;
    private int _windows;
    private int _vaultCalls;
    private long _length;
    private bool _recorded;
    private bool _highSurrogatePending;
    private bool _finished;

    internal RehydrationSession(RehydrationEngine engine, AuthenticatedAgent agent, PolicyDecision decision, string? grant)
    {
        _engine = engine;
        _agent = agent;
        _decision = decision;
        _grant = grant;
    }

    /// <summary>Characters received and not yet returned (at most <see cref="TokenScanner.MaxHeldBack"/>).</summary>
    public int HeldBack => _scanner.HeldBack;

    /// <summary>Rehydrates the next chunk; returns the text decided so far (possibly empty). SENSITIVE.</summary>
    /// <exception cref="RehydrationException">Refused (recorded) or failed; the stream is then finished.</exception>
    public Task<string> WriteAsync(string chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return ProcessAsync(chunk, final: false, cancellationToken);
    }

    /// <summary>Ends the stream: returns the held-back rest (a token cut off by the end stays as written and is counted
    /// unresolved) and the summary of the whole stream, after its audit record is written.</summary>
    /// <exception cref="RehydrationException">Refused (recorded) or failed; nothing of the rest is returned.</exception>
    public async Task<RehydrationResult> CompleteAsync(CancellationToken cancellationToken = default)
    {
        var rest = await ProcessAsync(string.Empty, final: true, cancellationToken).ConfigureAwait(false);
        await FinishAsync(cancellationToken).ConfigureAwait(false);
        RehydratorLog.StreamEnded(_engine.Logger, _windows, _length, Total(RehydrationAction.Reveal), Total(RehydrationAction.Mask), Total(RehydrationAction.Withhold), _unresolved);
        return new RehydrationResult(rest, Summary());
    }

    /// <summary>The unary path: the whole text as one final window.</summary>
    internal async Task<RehydrationResult> RehydrateWholeAsync(string text, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var output = await ProcessAsync(text, final: true, cancellationToken).ConfigureAwait(false);
        await FinishAsync(cancellationToken).ConfigureAwait(false);
        RehydratorLog.Rehydrated(_engine.Logger, text.Length, Total(RehydrationAction.Reveal), Total(RehydrationAction.Mask), Total(RehydrationAction.Withhold), _unresolved, _vaultCalls, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new RehydrationResult(output, Summary());
    }

    private async Task<string> ProcessAsync(string chunk, bool final, CancellationToken cancellationToken)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The rehydration stream is finished.");
        }

        _finished = final;
        try
        {
            try
            {
                Validate(chunk, final);
            }
            catch (RehydrationException refusal)
            {
                await RecordRefusalAsync(refusal, _unreportedWithheld.Select(w => (w.Key, RehydrationAction.Withhold, w.Value)), cancellationToken).ConfigureAwait(false);
                throw;
            }

            _length += chunk.Length;
            _windows++;
            var scanned = _scanner.Push(chunk);
            if (final)
            {
                scanned = Concat(scanned, _scanner.Complete());
            }

            return await ResolveAsync(scanned, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _finished = true;
            throw;
        }
    }

    /// <summary>Refuses when the agent's token or grant expired or the chunk is not acceptable text.</summary>
    private void Validate(string chunk, bool final)
    {
        _engine.CheckStillValid(_agent);
        if (chunk.Length > _engine.Options.MaxTextLength)
        {
            throw new RehydrationException(RehydrationErrorKind.InvalidArgument, $"text exceeds the limit of {_engine.Options.MaxTextLength} characters.", "text_too_long");
        }

        if (!IsWellFormed(chunk, ref _highSurrogatePending) || (final && _highSurrogatePending))
        {
            throw new RehydrationException(RehydrationErrorKind.InvalidArgument, "text is not well-formed UTF-16 (a lone surrogate).", "malformed_utf16");
        }
    }

    private async Task<string> ResolveAsync(ScannedText scanned, CancellationToken cancellationToken)
    {
        // Distinct tokens per action for the audit and the rate limit; occurrences for the summary.
        var toResolve = new List<(string Token, string Type, RehydrationAction Action)>();
        var requested = new HashSet<string>(StringComparer.Ordinal);
        var withheld = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var match in scanned.Tokens)
        {
            var type = match.Token.EntityType;
            if (!TokenEntityTypes.Vaulted.Contains(type))
            {
                continue;
            }

            var action = _decision.ActionFor(type);
            var canonical = match.Token.Format();
            if (action == RehydrationAction.Withhold)
            {
                if (!withheld.TryGetValue(type, out var set))
                {
                    withheld[type] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(canonical);
            }
            else if (requested.Add(canonical))
            {
                toResolve.Add((canonical, type, action));
            }
        }

        foreach (var (type, set) in withheld)
        {
            _unreportedWithheld[type] = _unreportedWithheld.GetValueOrDefault(type) + set.Count;
        }

        var values = await DetokenizeAsync(toResolve, cancellationToken).ConfigureAwait(false);
        return Render(scanned, values);
    }

    /// <summary>One Detokenize per batch; returns what to show for each found token (by canonical form).</summary>
    private async Task<Dictionary<string, string>> DetokenizeAsync(List<(string Token, string Type, RehydrationAction Action)> tokens, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tokens.Count == 0)
        {
            return shown;
        }

        var limiter = _engine.Limiter;
        if (!limiter.TryAcquire(_agent.TenantId, _agent.Subject, tokens.Count))
        {
            var refusal = new RehydrationException(RehydrationErrorKind.ResourceExhausted, $"The agent's limit of {limiter.PerMinute} values per minute is used up; nothing was revealed.", "rate_limited");
            await RecordRefusalAsync(refusal, CountsOf(tokens).Concat(_unreportedWithheld.Select(w => (w.Key, RehydrationAction.Withhold, w.Value))), cancellationToken).ConfigureAwait(false);
            throw refusal;
        }

        var batchSize = _engine.Options.MaxBatchSize;
        try
        {
            for (var start = 0; start < tokens.Count; start += batchSize)
            {
                var batch = tokens.GetRange(start, Math.Min(batchSize, tokens.Count - start));
                var counts = CountsOf(batch).ToList();
                counts.AddRange(_unreportedWithheld.Select(w => (w.Key, RehydrationAction.Withhold, w.Value)));
                var request = new DetokenizeRequest { TenantId = _agent.TenantId, Context = Context(counts) };
                request.Tokens.AddRange(batch.Select(t => t.Token));
                _vaultCalls++;
                var response = await _engine.Vault.DetokenizeAsync(request, cancellationToken).ConfigureAwait(false);
                _unreportedWithheld.Clear();
                _recorded = true;
                if (response.Results.Count != batch.Count)
                {
                    throw new RpcException(new Status(StatusCode.Internal, "The vault answered a different number of tokens."));
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    var (token, type, action) = batch[i];
                    var result = response.Results[i];
                    if (!result.Found)
                    {
                        continue;
                    }

                    if (!string.Equals(result.Token, token, StringComparison.Ordinal) || !string.Equals(result.EntityType, type, StringComparison.Ordinal))
                    {
                        throw new RpcException(new Status(StatusCode.Internal, "The vault answered for another token."));
                    }

                    shown[token] = action == RehydrationAction.Reveal ? result.Value : Masks.Mask(type, result.Value);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            limiter.Refund(_agent.TenantId, _agent.Subject, tokens.Count);
            var status = ex is RpcException rpc ? rpc.StatusCode : StatusCode.Unknown;
            RehydratorLog.VaultFailed(_engine.Logger, status, ex.GetType().Name);
            throw status == StatusCode.FailedPrecondition
                ? new RehydrationException(RehydrationErrorKind.FailedPrecondition, "The tenant's keys are not available (disabled or destroyed); nothing was revealed.", "key_unavailable")
                : new RehydrationException(RehydrationErrorKind.Unavailable, "The vault could not complete the rehydration; nothing was revealed.", "vault_unavailable");
        }
        catch (OperationCanceledException)
        {
            limiter.Refund(_agent.TenantId, _agent.Subject, tokens.Count);
            throw;
        }

        limiter.Refund(_agent.TenantId, _agent.Subject, tokens.Count - shown.Count);
        return shown;
    }

    private string Render(ScannedText scanned, Dictionary<string, string> shown)
    {
        _unresolved += scanned.Truncated;
        if (scanned.Tokens.Count == 0)
        {
            return scanned.Text;
        }

        var text = scanned.Text;
        var output = new StringBuilder(text.Length);
        var at = 0;
        foreach (var match in scanned.Tokens)
        {
            output.Append(text, at, match.Start - at);
            at = match.Start + match.Length;
            var type = match.Token.EntityType;
            var action = _decision.ActionFor(type);
            if (TokenEntityTypes.Vaulted.Contains(type) && action == RehydrationAction.Withhold)
            {
                Count(type, action);
                output.Append(text, match.Start, match.Length);
            }
            else if (shown.TryGetValue(match.Token.Format(), out var value))
            {
                Count(type, action);
                output.Append(value);
            }
            else
            {
                _unresolved++;
                output.Append(text, match.Start, match.Length);
            }
        }

        output.Append(text, at, text.Length - at);
        return output.ToString();
    }

    /// <summary>Writes the audit record a rehydration without a Detokenize needs (or the withheld counts no Detokenize
    /// carried). Fails closed: a rehydration that cannot be recorded fails.</summary>
    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_recorded && _unreportedWithheld.Count == 0)
        {
            return;
        }

        var counts = _unreportedWithheld.Select(w => (w.Key, RehydrationAction.Withhold, w.Value)).ToList();
        try
        {
            _vaultCalls++;
            await _engine.Vault.RecordRehydrationAsync(new RecordRehydrationRequest { TenantId = _agent.TenantId, Context = Context(counts) }, cancellationToken).ConfigureAwait(false);
            _unreportedWithheld.Clear();
            _recorded = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RehydratorLog.VaultFailed(_engine.Logger, ex is RpcException rpc ? rpc.StatusCode : StatusCode.Unknown, ex.GetType().Name);
            throw new RehydrationException(RehydrationErrorKind.Unavailable, "The rehydration could not be recorded in the vault's audit; nothing was returned.", "vault_unavailable");
        }
    }

    private Task RecordRefusalAsync(RehydrationException refusal, IEnumerable<(string, RehydrationAction, int)> counts, CancellationToken cancellationToken) =>
        _engine.RecordRefusalAsync(refusal, _agent, _agent.TenantId, _decision.Purpose, _decision.Roles, counts, cancellationToken);

    private Contracts.Vault.V1.RehydrationContext Context(IEnumerable<(string Type, RehydrationAction Action, int Count)> counts) =>
        RehydrationEngine.Context(_agent, _decision.Purpose, RehydrationEngine.AuditRoles(_decision.Roles), _grant, counts);

    private static IEnumerable<(string Type, RehydrationAction Action, int Count)> CountsOf(IEnumerable<(string Token, string Type, RehydrationAction Action)> tokens) =>
        tokens.GroupBy(t => (t.Type, t.Action)).Select(g => (g.Key.Type, g.Key.Action, g.Count()));

    private void Count(string type, RehydrationAction action) => _counts[(type, action)] = _counts.GetValueOrDefault((type, action)) + 1;

    private int Total(RehydrationAction action) => _counts.Where(c => c.Key.Action == action).Sum(c => c.Value);

    private RehydrationSummary Summary() => new(
        _counts.OrderBy(c => c.Key.Type, StringComparer.Ordinal).ThenBy(c => c.Key.Action).Select(c => new RehydrationCount(c.Key.Type, c.Key.Action, c.Value)).ToArray(),
        _unresolved,
        _grant);

    private static ScannedText Concat(ScannedText first, ScannedText rest)
    {
        if (rest.Text.Length == 0)
        {
            return first;
        }

        var tokens = new List<TokenMatch>(first.Tokens);
        tokens.AddRange(rest.Tokens.Select(m => m with { Start = m.Start + first.Text.Length }));
        return new ScannedText(first.Text + rest.Text, tokens, first.Truncated + rest.Truncated);
    }

    /// <summary>Whether every surrogate is half of a pair; a high surrogate at the end waits for the next chunk.</summary>
    private static bool IsWellFormed(string chunk, ref bool highPending)
    {
        foreach (var c in chunk)
        {
            if (highPending)
            {
                if (!char.IsLowSurrogate(c))
                {
                    return false;
                }

                highPending = false;
            }
            else if (char.IsHighSurrogate(c))
            {
                highPending = true;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
