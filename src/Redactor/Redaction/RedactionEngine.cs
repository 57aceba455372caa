using System.Diagnostics;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Detection;

namespace PrivateInference.Redactor.Redaction;

/// <summary>One entity replaced in a sanitized text: its type, what replaced it, and where (UTF-16 offsets in the
/// sanitized text). Never its value.</summary>
/// <param name="Type">What kind of entity.</param>
/// <param name="Text">The vault token (also when a surrogate replaced the entity) or <c>[TYPE_REDACTED]</c>.</param>
/// <param name="Start">Index of the replacement's first character in the sanitized text (the token, mask or surrogate).</param>
/// <param name="End">Index one past its last character.</param>
/// <param name="Decision">Tokenized, replaced by a surrogate, or masked.</param>
public readonly record struct Replacement(EntityType Type, string Text, int Start, int End, RedactionDecision Decision);

/// <summary>A sanitized text and its replacements, ordered by start.</summary>
public sealed record RedactionResult(string Text, IReadOnlyList<Replacement> Replacements);

/// <summary>A request to redact one text for one tenant.</summary>
/// <param name="TenantId">The tenant whose vault keys and token space are used.</param>
/// <param name="Text">RAW SENSITIVE: the text.</param>
/// <param name="Scan">What to detect (the tenant's detection policy, narrowed by the request).</param>
/// <param name="Rules">What to do with what was found (the tenant's redaction policy).</param>
/// <param name="SubjectRef">SENSITIVE: the data subject, for erasure; optional.</param>
/// <param name="Ttl">How long new tokens stay resolvable; null for no expiry.</param>
/// <param name="Replacement">Tokens or surrogates; null for what <paramref name="Rules"/> say.</param>
public sealed record RedactionRequest(string TenantId, string Text, ScanOptions Scan, RedactionRules Rules, string? SubjectRef = null, TimeSpan? Ttl = null, ReplacementStyle? Replacement = null)
{
    /// <inheritdoc />
    public override string ToString() => $"RedactionRequest(tenant {TenantId}, {Text.Length} chars)";
}

/// <summary>
/// Redaction, shared by the gRPC service and the CLI so the two cannot drift: scan, then one batched Tokenize for the
/// types the tenant tokenizes, then the text with each entity replaced by its token or its irreversible mask.
/// </summary>
/// <remarks>
/// <para>Sensitive authentication data (CVV, TRACK_DATA) is masked as <c>[CVV_REDACTED]</c> and never sent to the vault;
/// types the policy masks likewise. Identical values (same type, same spelling) go to the vault once per request.</para>
/// <para>Surrogate mode (the request's replacement, else the tenant's): Tokenize is asked for surrogates too, and each
/// entity the vault gave one is replaced by it instead of its token (the token is still reported). A surrogate that
/// equals the value it stands for, or is missing from the answer, fails the request like any wrong answer.</para>
/// <para>Fail closed: any vault failure, or an answer that does not match the question, throws
/// <see cref="RedactionException"/> and nothing of the text is returned. Messages are fixed; logs carry lengths, counts
/// and timings only.</para>
/// </remarks>
public sealed class RedactionEngine
{
    /// <summary>The vault's batch limit: larger requests are split into batches of this size.</summary>
    public const int VaultBatchLimit = 1000;

    private readonly DetectionEngine _detection;
    private readonly IRedactionVault _vault;
    private readonly int _maxTextLength;
    private readonly ILogger _logger;

    /// <summary>An engine over <paramref name="detection"/> and <paramref name="vault"/>, refusing texts over
    /// <paramref name="maxTextLength"/> UTF-16 code units.</summary>
    public RedactionEngine(DetectionEngine detection, IRedactionVault vault, int maxTextLength, ILogger<RedactionEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxTextLength, 0);
        ArgumentNullException.ThrowIfNull(logger);
        _detection = detection;
        _vault = vault;
        _maxTextLength = maxTextLength;
        _logger = logger;
    }

    /// <summary>The longest text accepted, in UTF-16 code units.</summary>
    public int MaxTextLength => _maxTextLength;

    /// <summary>Redacts one text.</summary>
    /// <exception cref="RedactionException">Invalid input or a vault failure; nothing of the text is returned.</exception>
    public async Task<RedactionResult> RedactAsync(RedactionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var started = Stopwatch.GetTimestamp();
        var text = request.Text;
        var entities = _detection.Scan(text, request.Scan);

        // Distinct (type, exact spelling) values to tokenize, in order of first appearance.
        var decisions = new RedactionDecision[entities.Count];
        var slots = new int[entities.Count];
        var items = new List<TokenizeItem>();
        var index = new Dictionary<(EntityType, string), int>();
        for (var i = 0; i < entities.Count; i++)
        {
            var entity = entities[i];
            decisions[i] = request.Rules.For(entity.Type);
            if (decisions[i] != RedactionDecision.Tokenize)
            {
                continue;
            }

            var value = text[entity.Start..entity.End];
            if (!index.TryGetValue((entity.Type, value), out var slot))
            {
                slot = items.Count;
                index.Add((entity.Type, value), slot);
                items.Add(Item(entity.Type, value, request));
            }

            slots[i] = slot;
        }

        var surrogateMode = (request.Replacement ?? request.Rules.Replacement) == ReplacementStyle.Surrogate;
        var (tokens, surrogates) = await TokenizeAsync(request.TenantId, items, surrogateMode, cancellationToken).ConfigureAwait(false);

        var builder = new StringBuilder(text.Length + (entities.Count * 8));
        var replacements = new List<Replacement>(entities.Count);
        var cursor = 0;
        int tokenized = 0, masked = 0;
        for (var i = 0; i < entities.Count; i++)
        {
            var entity = entities[i];
            if (decisions[i] == RedactionDecision.Leave)
            {
                continue;
            }

            var replacement = decisions[i] == RedactionDecision.Tokenize ? tokens[slots[i]] : Mask(entity.Type);
            var decision = decisions[i];
            var written = replacement;
            if (decision == RedactionDecision.Tokenize && surrogates[slots[i]] is { Length: > 0 } surrogate)
            {
                decision = RedactionDecision.Surrogate;
                written = surrogate;
            }

            builder.Append(text, cursor, entity.Start - cursor);
            var start = builder.Length;
            builder.Append(written);
            replacements.Add(new Replacement(entity.Type, replacement, start, builder.Length, decision));
            cursor = entity.End;
            if (decisions[i] == RedactionDecision.Tokenize)
            {
                tokenized++;
            }
            else
            {
                masked++;
            }
        }

        builder.Append(text, cursor, text.Length - cursor);
        RedactorLog.Redacted(_logger, text.Length, tokenized, masked, items.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new RedactionResult(builder.ToString(), replacements);
    }

    /// <summary>The irreversible replacement of a type, e.g. <c>[CVV_REDACTED]</c>.</summary>
    public static string Mask(EntityType type) => $"[{type.WireName()}_REDACTED]";

    private void Validate(RedactionRequest request)
    {
        if (string.IsNullOrEmpty(request.TenantId))
        {
            throw new RedactionException(RedactionFailure.InvalidArgument, "tenant_id is required");
        }

        if (request.Text.Length > _maxTextLength)
        {
            throw new RedactionException(RedactionFailure.InvalidArgument, $"text exceeds the limit of {_maxTextLength} characters");
        }

        if (HasLoneSurrogate(request.Text))
        {
            throw new RedactionException(RedactionFailure.InvalidArgument, "text contains a lone surrogate (malformed UTF-16)");
        }

        if (request.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new RedactionException(RedactionFailure.InvalidArgument, "ttl must be positive");
        }
    }

    internal static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static TokenizeItem Item(EntityType type, string value, RedactionRequest request)
    {
        var item = new TokenizeItem { EntityType = type.WireName(), Value = value };
        if (!string.IsNullOrEmpty(request.SubjectRef))
        {
            item.SubjectRef = request.SubjectRef;
        }

        if (request.Ttl is { } ttl)
        {
            item.Ttl = Duration.FromTimeSpan(ttl);
        }

        return item;
    }

    /// <summary>The token of each item and, in surrogate mode, its surrogate ("" for none; all "" otherwise).</summary>
    private async Task<(string[] Tokens, string[] Surrogates)> TokenizeAsync(string tenantId, List<TokenizeItem> items, bool surrogateMode, CancellationToken cancellationToken)
    {
        var tokens = new string[items.Count];
        var surrogates = new string[items.Count];
        Array.Fill(surrogates, string.Empty);
        for (var offset = 0; offset < items.Count; offset += VaultBatchLimit)
        {
            var request = new TokenizeRequest { TenantId = tenantId, Surrogates = surrogateMode };
            request.Items.AddRange(items.Skip(offset).Take(VaultBatchLimit));
            TokenizeResponse response;
            try
            {
                response = await _vault.TokenizeAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (RpcException ex)
            {
                RedactorLog.VaultFailed(_logger, ex.StatusCode.ToString());
                throw ex.StatusCode switch
                {
                    StatusCode.NotFound => new RedactionException(RedactionFailure.TenantNotFound, "The vault does not know the tenant."),
                    StatusCode.FailedPrecondition => new RedactionException(RedactionFailure.KeyUnavailable, "The tenant's key is disabled or destroyed."),
                    _ => new RedactionException(),
                };
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                RedactorLog.VaultFailed(_logger, ex.GetType().Name);
                throw new RedactionException();
            }

            if (response.Tokens.Count != request.Items.Count || (surrogateMode && response.Surrogates.Count != request.Items.Count))
            {
                RedactorLog.VaultFailed(_logger, "token_count_mismatch");
                throw new RedactionException();
            }

            for (var i = 0; i < response.Tokens.Count; i++)
            {
                if (!IsTokenOf(response.Tokens[i], request.Items[i].EntityType))
                {
                    RedactorLog.VaultFailed(_logger, "token_shape_mismatch");
                    throw new RedactionException();
                }

                if (surrogateMode && !IsSurrogateOf(response.Surrogates[i], request.Items[i].Value))
                {
                    RedactorLog.VaultFailed(_logger, "surrogate_shape_mismatch");
                    throw new RedactionException();
                }

                tokens[offset + i] = response.Tokens[i];
                surrogates[offset + i] = surrogateMode ? response.Surrogates[i] : string.Empty;
            }
        }

        return (tokens, surrogates);
    }

    // Empty (none), or a stand-in on one line that is not the value itself: a vault fault must not put the value back.
    private static bool IsSurrogateOf(string surrogate, string value) =>
        surrogate.Length == 0
        || (surrogate.Length <= (2 * value.Length) + 64
            && !surrogate.AsSpan().ContainsAny('\r', '\n')
            && !HasLoneSurrogate(surrogate)
            && !string.Equals(surrogate.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase));

    // "[TYPE_ID]" or "[TYPE_ID-XX]" in ASCII letters, digits and '-': never splice anything else into the text.
    private static bool IsTokenOf(string token, string type)
    {
        if (token.Length < type.Length + 4 || token.Length > type.Length + 40 || token[0] != '[' || token[^1] != ']'
            || !token.AsSpan(1).StartsWith(type, StringComparison.Ordinal) || token[type.Length + 1] != '_')
        {
            return false;
        }

        foreach (var c in token.AsSpan(type.Length + 2, token.Length - type.Length - 3))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
