using PrivateInference.Cryptography;
using PrivateInference.Cryptography.Surrogates;
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
/// <see cref="WriteAsync"/> is a window: its finished tokens and surrogate candidates go to the vault in one Detokenize
/// (split at the batch limit), and its text comes back at once, except the suffix the hold-back rule keeps
/// (<see cref="TextScanner"/>).
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
    private const string PersonType = "PERSON";
    private const string AddressType = "ADDRESS";

    private readonly TextScanner _scanner;
    private readonly bool[] _lookUp;
    private (string Type, string Action)[]? _surrogateActions;
    private readonly Dictionary<(string Type, RehydrationAction Action), int> _counts = [];
    private readonly Dictionary<(string Type, RehydrationAction Action), int> _unreported = [];
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
        _scanner = new TextScanner(engine.Policy.Surrogates);
        _lookUp = LookUp(decision);
    }

    /// <summary>Characters received and not yet returned (at most <see cref="TextScanner.MaxHeldBack"/>).</summary>
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
                await RecordRefusalAsync(refusal, Unreported(), cancellationToken).ConfigureAwait(false);
                throw;
            }

            _length += chunk.Length;
            _windows++;
            var scanned = final ? _scanner.Complete(chunk) : _scanner.Push(chunk);

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
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var withheld = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var match in scanned.Tokens)
        {
            var type = match.Token.EntityType;
            if (!TokenEntityTypes.Vaulted.Contains(type))
            {
                continue;
            }

            var action = _decision.ActionFor(type);
            var canonical = match.Token.Format();
            if (!counted.Add(canonical))
            {
                continue;
            }

            if (action == RehydrationAction.Withhold)
            {
                withheld[type] = withheld.GetValueOrDefault(type) + 1;
            }
            else
            {
                toResolve.Add((canonical, type, action));
            }
        }

        foreach (var (type, count) in withheld)
        {
            Unreport(type, RehydrationAction.Withhold, count);
        }

        var resolution = await DetokenizeAsync(toResolve, Candidates(scanned), cancellationToken).ConfigureAwait(false);
        return Render(scanned, resolution);
    }

    /// <summary>The distinct candidates of the window to look up, in text order: only kinds that could stand for a type
    /// the agent may see, and at most <see cref="RehydrationOptions.MaxSurrogateCandidates"/>.</summary>
    private List<string> Candidates(ScannedText scanned)
    {
        var candidates = new List<string>();
        if (scanned.Surrogates.Count == 0)
        {
            return candidates;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cap = _engine.Options.MaxSurrogateCandidates;
        foreach (var candidate in scanned.Surrogates)
        {
            var written = scanned.Text.Substring(candidate.Start, candidate.Length);
            if (_lookUp[(int)candidate.Kind] && seen.Add(written) && candidates.Count < cap)
            {
                candidates.Add(written);
            }
        }

        if (seen.Count > candidates.Count)
        {
            RehydratorLog.SurrogateCandidatesCapped(_engine.Logger, seen.Count, cap);
        }

        return candidates;
    }

    /// <summary>One Detokenize per batch of tokens and surrogate candidates (tokens first); returns what to show for each
    /// found token (by canonical form) and each found surrogate (as written).</summary>
    private async Task<Resolution> DetokenizeAsync(List<(string Token, string Type, RehydrationAction Action)> tokens, List<string> candidates, CancellationToken cancellationToken)
    {
        var resolution = new Resolution();
        if (tokens.Count == 0 && candidates.Count == 0)
        {
            return resolution;
        }

        var limiter = _engine.Limiter;
        if (!limiter.TryAcquire(_agent.TenantId, _agent.Subject, tokens.Count))
        {
            await RefuseRateAsync(CountsOf(tokens), cancellationToken).ConfigureAwait(false);
        }

        var batchSize = _engine.Options.MaxBatchSize;
        var items = tokens.Count + candidates.Count;
        try
        {
            for (var start = 0; start < items; start += batchSize)
            {
                var end = Math.Min(items, start + batchSize);
                var batch = start < tokens.Count ? tokens.GetRange(start, Math.Min(end, tokens.Count) - start) : [];
                var surrogateStart = Math.Max(start, tokens.Count) - tokens.Count;
                var batchCandidates = candidates.GetRange(surrogateStart, Math.Max(end - tokens.Count, 0) - surrogateStart);
                var counts = CountsOf(batch).ToList();
                counts.AddRange(Unreported());
                var request = new DetokenizeRequest { TenantId = _agent.TenantId, Context = Context(counts) };
                if (batchCandidates.Count > 0)
                {
                    // The vault applies these to the surrogates it resolves: it counts them in this call's record and
                    // answers a withheld one without its value.
                    foreach (var (type, action) in _surrogateActions ??= SurrogateActions(_decision))
                    {
                        request.Context.SurrogateActions.Add(type, action);
                    }
                }

                request.Tokens.AddRange(batch.Select(t => t.Token));
                request.Surrogates.AddRange(batchCandidates);
                _vaultCalls++;
                var response = await _engine.Vault.DetokenizeAsync(request, cancellationToken).ConfigureAwait(false);
                _unreported.Clear();
                _recorded = true;
                ReadTokens(batch, response, resolution);
                ReadSurrogates(batchCandidates, response, resolution);
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

        // Values shown: distinct vault tokens revealed or masked, whether written as a token or as a surrogate. Surrogates'
        // types are known only now, so their share of the allowance is taken now, all or nothing as for tokens.
        var shown = new HashSet<string>(resolution.Tokens.Keys, StringComparer.Ordinal);
        var surrogateTokens = resolution.Surrogates.Values.DistinctBy(r => r.Token).ToList();
        var extra = surrogateTokens.Count(r => r.Action != RehydrationAction.Withhold && shown.Add(r.Token));
        if (extra > 0 && !limiter.TryAcquire(_agent.TenantId, _agent.Subject, extra))
        {
            limiter.Refund(_agent.TenantId, _agent.Subject, tokens.Count);
            await RefuseRateAsync(CountsOf(surrogateTokens.Select(r => (r.Token, r.Type, r.Action))), cancellationToken).ConfigureAwait(false);
        }

        limiter.Refund(_agent.TenantId, _agent.Subject, tokens.Count - resolution.Tokens.Count);

        // The surrogates' counts are in the Detokenize's own record: the vault counted what it resolved per type, by the
        // context's surrogate actions.
        return resolution;
    }

    private static void ReadTokens(List<(string Token, string Type, RehydrationAction Action)> batch, DetokenizeResponse response, Resolution resolution)
    {
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

            resolution.Tokens[token] = action == RehydrationAction.Reveal ? result.Value : Masks.Mask(type, result.Value);
        }
    }

    /// <summary>Reads the answers for surrogate candidates. A vault that predates surrogates answers none: then none is
    /// found, which leaves them as written (nothing is revealed by it). Any other mismatch fails closed.</summary>
    private void ReadSurrogates(List<string> candidates, DetokenizeResponse response, Resolution resolution)
    {
        var results = response.SurrogateResults;
        if (results.Count == 0 && candidates.Count > 0)
        {
            RehydratorLog.NoSurrogateResults(_engine.Logger, candidates.Count);
            return;
        }

        if (results.Count != candidates.Count)
        {
            throw new RpcException(new Status(StatusCode.Internal, "The vault answered a different number of surrogates."));
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            var result = results[i];
            if (!result.Found)
            {
                continue;
            }

            if (!Token.TryParse(result.Token, out var token) || !string.Equals(token.EntityType, result.EntityType, StringComparison.Ordinal)
                || !TokenEntityTypes.Vaulted.Contains(token.EntityType))
            {
                throw new RpcException(new Status(StatusCode.Internal, "The vault answered a surrogate with a malformed token."));
            }

            var type = token.EntityType;
            var action = _decision.ActionFor(type);
            if (action != RehydrationAction.Withhold && result.Value.Length == 0)
            {
                // The vault withheld a value the policy reveals or masks: its surrogate actions are not ours.
                throw new RpcException(new Status(StatusCode.Internal, "The vault answered a surrogate without its value."));
            }

            var shown = action switch
            {
                RehydrationAction.Reveal => result.Value,
                RehydrationAction.Mask => Masks.Mask(type, result.Value),
                _ => null,
            };
            resolution.Surrogates[candidates[i]] = new ResolvedSurrogate(token.Format(), type, action, shown);
        }
    }

    private async Task RefuseRateAsync(IEnumerable<(string, RehydrationAction, int)> counts, CancellationToken cancellationToken)
    {
        var refusal = new RehydrationException(RehydrationErrorKind.ResourceExhausted, $"The agent's limit of {_engine.Limiter.PerMinute} values per minute is used up; nothing was revealed.", "rate_limited");
        await RecordRefusalAsync(refusal, counts.Concat(Unreported()), cancellationToken).ConfigureAwait(false);
        throw refusal;
    }

    private string Render(ScannedText scanned, Resolution resolution)
    {
        _unresolved += scanned.Truncated;
        if (scanned.Tokens.Count == 0 && resolution.Surrogates.Count == 0)
        {
            return scanned.Text;
        }

        var text = scanned.Text;
        var output = new StringBuilder(text.Length);
        var at = 0;
        var s = 0;
        foreach (var match in scanned.Tokens)
        {
            for (; s < scanned.Surrogates.Count && scanned.Surrogates[s].Start < match.Start; s++)
            {
                at = RenderSurrogate(text, scanned.Surrogates[s], resolution, output, at);
            }

            output.Append(text, at, match.Start - at);
            at = match.Start + match.Length;
            var type = match.Token.EntityType;
            var action = _decision.ActionFor(type);
            if (TokenEntityTypes.Vaulted.Contains(type) && action == RehydrationAction.Withhold)
            {
                Count(type, action);
                output.Append(text, match.Start, match.Length);
            }
            else if (resolution.Tokens.TryGetValue(match.Token.Format(), out var value))
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

        for (; s < scanned.Surrogates.Count; s++)
        {
            at = RenderSurrogate(text, scanned.Surrogates[s], resolution, output, at);
        }

        output.Append(text, at, text.Length - at);
        return output.ToString();
    }

    /// <summary>A found surrogate gets its type's action (withheld: stays as written); any other candidate is just text.</summary>
    private int RenderSurrogate(string text, SurrogateCandidate candidate, Resolution resolution, StringBuilder output, int at)
    {
        if (resolution.Surrogates.Count == 0 || !resolution.Surrogates.TryGetValue(text.Substring(candidate.Start, candidate.Length), out var found))
        {
            return at;
        }

        output.Append(text, at, candidate.Start - at);
        Count(found.Type, found.Action);
        if (found.Shown is null)
        {
            output.Append(text, candidate.Start, candidate.Length);
        }
        else
        {
            output.Append(found.Shown);
        }

        return candidate.Start + candidate.Length;
    }

    /// <summary>Writes the audit record a rehydration without a Detokenize needs (or the withheld counts no Detokenize
    /// carried). Fails closed: a rehydration that cannot be recorded fails.</summary>
    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_recorded && _unreported.Count == 0)
        {
            return;
        }

        var counts = Unreported().ToList();
        try
        {
            _vaultCalls++;
            await _engine.Vault.RecordRehydrationAsync(new RecordRehydrationRequest { TenantId = _agent.TenantId, Context = Context(counts) }, cancellationToken).ConfigureAwait(false);
            _unreported.Clear();
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

    /// <summary>Per <see cref="SurrogateKind"/>: whether a candidate of that kind could stand for a type the agent may
    /// see. Names are PERSON surrogates and addresses ADDRESS ones; a digit string can be any other type's (a PAN-shaped
    /// one too: a digit surrogate of another type can happen to have Luhn residue 5). Kinds that can only be withheld are
    /// not looked up, as withheld tokens are never sent.</summary>
    private static bool[] LookUp(PolicyDecision decision)
    {
        bool Shown(string type) => decision.ActionFor(type) != RehydrationAction.Withhold;
        var digits = TokenEntityTypes.Vaulted.Any(t => t is not (PersonType or AddressType) && Shown(t));
        var lookUp = new bool[Enum.GetValues<SurrogateKind>().Length];
        lookUp[(int)SurrogateKind.Pan] = digits;
        lookUp[(int)SurrogateKind.Digits] = digits;
        lookUp[(int)SurrogateKind.Name] = Shown(PersonType);
        lookUp[(int)SurrogateKind.Address] = Shown(AddressType);
        return lookUp;
    }

    /// <summary>The vaulted types the agent may see, with their action's wire name: what the vault applies to the
    /// surrogates it resolves (a type left out is withheld). Built on the first window with candidates.</summary>
    private static (string Type, string Action)[] SurrogateActions(PolicyDecision decision) =>
    [
        .. TokenEntityTypes.Vaulted.Order(StringComparer.Ordinal)
            .Select(t => (Type: t, Action: decision.ActionFor(t)))
            .Where(a => a.Action != RehydrationAction.Withhold)
            .Select(a => (a.Type, RehydrationActions.Name(a.Action))),
    ];

    private IEnumerable<(string Type, RehydrationAction Action, int Count)> Unreported() =>
        _unreported.Select(u => (u.Key.Type, u.Key.Action, u.Value));

    private void Unreport(string type, RehydrationAction action, int count) =>
        _unreported[(type, action)] = _unreported.GetValueOrDefault((type, action)) + count;

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

    /// <summary>What one window's Detokenize found: what to show per token (canonical) and per surrogate (as written).</summary>
    private sealed class Resolution
    {
        public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ResolvedSurrogate> Surrogates { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A surrogate the vault knows: the token it stands for, its type, the action, and what to show (null:
    /// withheld, it stays as written). SENSITIVE.</summary>
    private sealed record ResolvedSurrogate(string Token, string Type, RehydrationAction Action, string? Shown)
    {
        public override string ToString() => $"ResolvedSurrogate({Type}, {Action})";
    }
}
