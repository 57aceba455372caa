using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Pseudonymization;

/// <summary>One value to tokenize. <paramref name="Value"/> and <paramref name="SubjectRef"/> are raw sensitive data.</summary>
public sealed record TokenizeInput(string EntityType, string Value, string? SubjectRef = null, TimeSpan? Ttl = null)
{
    // A record prints its members: this one must not.
    public override string ToString() => $"TokenizeInput({EntityType}, {Value.Length} chars)";
}

/// <summary>One token's resolution. <paramref name="Value"/> is raw sensitive data.</summary>
public sealed record Detokenized(string Token, bool Found, string EntityType, string Value)
{
    public override string ToString() => $"Detokenized({Token}, found: {Found})";
}

/// <summary>What Tokenize returns: one token per item and, when asked for, one surrogate per item ("" for none; empty
/// when not asked for). Surrogates are sensitive like tokens: never logged.</summary>
public sealed record Tokenized(IReadOnlyList<string> Tokens, IReadOnlyList<string> Surrogates)
{
    public override string ToString() => $"Tokenized({Tokens.Count} tokens, {Surrogates.Count} surrogates)";
}

/// <summary>What Detokenize returns: one result per token and one per surrogate candidate, each in request order. A
/// surrogate's result names the token it stands for.</summary>
public sealed record DetokenizedBatch(IReadOnlyList<Detokenized> Tokens, IReadOnlyList<Detokenized> Surrogates)
{
    public override string ToString() => $"DetokenizedBatch({Tokens.Count} tokens, {Surrogates.Count} surrogates)";
}

/// <summary>
/// Tokenize, Detokenize and subject erasure: the vault's data plane, independent of transport. Every call is
/// authorized against the caller's roles, passes the tenant key gate, and is audited — refusals included —
/// before it returns.
/// </summary>
/// <remarks>
/// Determinism: the token of a value is found through HMAC-SHA256 of its normalized form under the tenant's
/// fingerprint key; token IDs themselves are random and assigned here on first sight, never derived from the
/// value. Each value is sealed with AES-256-GCM under the tenant's current DEK, with AAD binding tenant, token,
/// type and key version, so a ciphertext copied to another row does not open.
/// </remarks>
public sealed partial class PseudonymService
{
    private readonly IVaultStore _store;
    private readonly TenantKeyring _keyring;
    private readonly AuditTrail _audit;
    private readonly VaultOptions _options;
    private readonly TimeProvider _time;
    private readonly VaultSurrogates _surrogates;

    internal PseudonymService(IVaultStore store, TenantKeyring keyring, AuditTrail audit, VaultOptions options, TimeProvider time)
    {
        _store = store;
        _surrogates = new VaultSurrogates(store);
        _keyring = keyring;
        _audit = audit;
        _options = options;
        _time = time;
    }

    /// <summary>Tokens for the items, in order.</summary>
    public async Task<IReadOnlyList<string>> TokenizeAsync(Caller caller, string tenantId, IReadOnlyList<TokenizeInput> items, CancellationToken cancellationToken = default) =>
        (await TokenizeAsync(caller, tenantId, items, surrogates: false, cancellationToken).ConfigureAwait(false)).Tokens;

    /// <summary>Tokens for the items, in order, and with <paramref name="surrogates"/> each item's surrogate ("" where its
    /// type or shape has none; see <see cref="VaultSurrogates"/>).</summary>
    public async Task<Tokenized> TokenizeAsync(Caller caller, string tenantId, IReadOnlyList<TokenizeInput> items, bool surrogates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(items);
        long? recordSeq = null;
        try
        {
            caller.Require(VaultRoles.Tokenizer);
            ValidateTenantId(tenantId);
            ValidateItems(items);

            // The record goes first (see TokenizeCoreAsync): it is written before the first token row.
            return await TokenizeCoreAsync(tenantId, items, surrogates, async (created, counts, dekVersion) =>
            {
                var detail = new AuditDetail().Add("items", items.Count).Add("created", created).Add("types", counts).Add("dek_version", dekVersion);
                if (surrogates)
                {
                    // Like created, an upper bound: the items whose spelling has a surrogate kind and shape.
                    detail.Add("surrogates", items.Count(i => VaultSurrogates.HasSurrogate(i.EntityType, i.Value)));
                }

                using (VaultTelemetry.AuditRecord())
                {
                    recordSeq = await _audit.WriteAsync(tenantId, caller, "tokenize", "ok", detail).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (recordSeq is { } seq)
        {
            // The record announced rows this call then failed to write (some, all or none): say so, best effort.
            await _audit.TryWriteAsync(tenantId, caller, "tokenize", "failed:" + AuditOutcome.FailureReason(ex), new AuditDetail()
                .Add("items", items.Count).Add(AuditOutcome.RecordSeq, seq)).ConfigureAwait(false);
            throw;
        }
        catch (VaultException ex)
        {
            await _audit.WriteRefusalAsync(tenantId, caller, "tokenize", ex, new AuditDetail().Add("items", items.Count)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Values for the tokens, in order; unknown, expired, malformed and other tenants' tokens are not found.</summary>
    public Task<IReadOnlyList<Detokenized>> DetokenizeAsync(Caller caller, string tenantId, IReadOnlyList<string> tokens, CancellationToken cancellationToken = default) =>
        DetokenizeAsync(caller, tenantId, tokens, context: null, cancellationToken);

    /// <summary>Values for the tokens, in order, for a rehydration on an agent's behalf: audited as "rehydrate" with the
    /// agent, roles, purpose and actions of <paramref name="context"/> (null: a plain "detokenize").</summary>
    public async Task<IReadOnlyList<Detokenized>> DetokenizeAsync(Caller caller, string tenantId, IReadOnlyList<string> tokens, RehydrationContext? context, CancellationToken cancellationToken = default) =>
        (await DetokenizeAsync(caller, tenantId, tokens, [], context, cancellationToken).ConfigureAwait(false)).Tokens;

    /// <summary>Values for the tokens and for the surrogate candidates, each in order (as
    /// <see cref="DetokenizeAsync(Caller, string, IReadOnlyList{string}, RehydrationContext?, CancellationToken)"/>). A
    /// candidate is found only when the tenant's vault recorded exactly that surrogate (ASCII case aside) on an unexpired
    /// row; its result carries the row's value as written, type and token. The batch limit counts tokens and candidates
    /// together; the audit record counts both (<c>surrogates</c>: how many candidates; found, not found and types over
    /// both).</summary>
    /// <remarks>With a rehydration <paramref name="context"/>, a found surrogate gets the action its
    /// <see cref="RehydrationContext.SurrogateActions"/> name for its type (withhold when unlisted): a withheld one is
    /// answered with its token and type but no value (the value is not even opened), and the record of this call counts
    /// the resolved surrogates per type and action (<see cref="RehydrationContext.WithSurrogates"/>), so one rehydration
    /// window is one record.</remarks>
    public async Task<DetokenizedBatch> DetokenizeAsync(Caller caller, string tenantId, IReadOnlyList<string> tokens, IReadOnlyList<string> surrogates, RehydrationContext? context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(surrogates);
        var action = context is null ? "detokenize" : RehydrationContext.AuditAction;
        try
        {
            caller.Require(VaultRoles.Detokenizer);
            ValidateTenantId(tenantId);
            context?.Validate();
            if (tokens.Count + surrogates.Count > _options.MaxBatchSize)
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, $"A batch holds at most {_options.MaxBatchSize} tokens and surrogates.", "batch_too_large");
            }

            Func<string, bool>? withheld = context is null ? null : type => context.SurrogateAction(type) == RehydrationAction.Withhold;
            var (results, counts, malformed) = await DetokenizeCoreAsync(tenantId, tokens, surrogates, withheld, retry: true, cancellationToken).ConfigureAwait(false);
            var found = results.Tokens.Count(r => r.Found) + results.Surrogates.Count(r => r.Found);
            var asked = tokens.Count + surrogates.Count;
            var detail = new AuditDetail()
                .Add("items", tokens.Count).Add("found", found).Add("not_found", asked - found - malformed).Add("malformed", malformed)
                .Add("types", counts);
            if (surrogates.Count > 0)
            {
                detail.Add("surrogates", surrogates.Count);
            }

            context?.WithSurrogates(results).AddTo(detail);
            await _audit.WriteAsync(tenantId, caller, action, "ok", detail).ConfigureAwait(false);
            return results;
        }
        catch (VaultException ex)
        {
            var detail = new AuditDetail().Add("items", tokens.Count);
            if (surrogates.Count > 0)
            {
                detail.Add("surrogates", surrogates.Count);
            }

            if (context is not null && context.IsValid())
            {
                context.AddTo(detail);
            }

            await _audit.WriteRefusalAsync(tenantId, caller, action, ex, detail).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records a rehydration that needed no Detokenize: served with nothing to reveal (<paramref name="refusalReason"/>
    /// null), or refused by the Rehydrator for that reason. Fails (UNAVAILABLE) when the record cannot be written.</summary>
    public async Task RecordRehydrationAsync(Caller caller, string tenantId, RehydrationContext context, string? refusalReason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            caller.Require(VaultRoles.Detokenizer);
            if (refusalReason is null)
            {
                ValidateTenantId(tenantId);
            }

            context.Validate();
            if (refusalReason is not null && !RehydrationContext.IsValidReason(refusalReason))
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "refusal_reason must be 1-64 characters of a-z and '_'.", "invalid_refusal_reason");
            }

            // Refusals by the Rehydrator can name no tenant or one the vault does not know (a forged token's claim); such
            // records go to the system chain like the vault's own refusals, with the Rehydrator's reason.
            var chain = !IsValidTenantId(tenantId) || await TenantKeyring.Stored(() => _store.GetTenantAsync(tenantId, cancellationToken)).ConfigureAwait(false) is null
                ? AuditTrail.SystemTenant
                : tenantId;
            await _audit.WriteAsync(chain, caller, RehydrationContext.AuditAction, refusalReason is null ? "ok" : "refused:" + refusalReason, context.AddTo(new AuditDetail())).ConfigureAwait(false);
        }
        catch (VaultException ex) when (ex.Kind != VaultErrorKind.Unavailable)
        {
            await _audit.WriteRefusalAsync(tenantId, caller, RehydrationContext.AuditAction, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes every mapping recorded with this subject reference; returns how many.</summary>
    public async Task<int> EraseSubjectAsync(Caller caller, string tenantId, string subjectRef, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        try
        {
            caller.Require(VaultRoles.Eraser);
            ValidateTenantId(tenantId);
            if (string.IsNullOrEmpty(subjectRef) || subjectRef.Length > _options.MaxValueLength)
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "subject_ref must be 1 to MaxValueLength characters.", "invalid_subject_ref");
            }

            var keys = await _keyring.AcquireAsync(tenantId, cancellationToken).ConfigureAwait(false);
            byte[] reference;
            try
            {
                reference = Fingerprint.SubjectReference(keys.FingerprintKey, subjectRef);
            }
            finally
            {
                keys.Release();
            }

            var erased = await TenantKeyring.Stored(() => _store.EraseSubjectAsync(tenantId, reference, cancellationToken)).ConfigureAwait(false);
            await _audit.WriteAsync(tenantId, caller, "subject.erase", "ok", new AuditDetail().Add("erased", erased)).ConfigureAwait(false);
            return erased;
        }
        catch (VaultException ex)
        {
            await _audit.WriteRefusalAsync(tenantId, caller, "subject.erase", ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <remarks>
    /// <para>
    /// The audit record comes before the first row (<paramref name="record"/>, with the most rows this call may write):
    /// when it cannot be written the call fails UNAVAILABLE having written nothing, so no mapping exists whose creation
    /// is not on the record. The bound counts each value not found and each later spelling not found as if no replica
    /// raced; a value whose race this call loses writes no value row and at most one spelling row per spelling of it in
    /// the batch, which the bound counted already. <see cref="InsertAsync"/> refuses to go beyond it.
    /// </para>
    /// <para>
    /// Two rounds at most. First, values never seen get their row: a new random ID, the normalized-value fingerprint, and
    /// the fingerprint of the spelling they were first seen in. Then every item whose spelling is not its value's first one
    /// gets that spelling's row (<c>ID-XX</c>, keyed by the spelling fingerprint) unless it has one. Both rounds are
    /// insert-or-get on a unique fingerprint, so racing replicas agree on one row per value and one per spelling.
    /// </para>
    /// </remarks>
    private async Task<Tokenized> TokenizeCoreAsync(string tenantId, IReadOnlyList<TokenizeInput> items, bool surrogates, Func<int, Dictionary<string, int>, int, Task> record, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var keys = await _keyring.AcquireAsync(tenantId, cancellationToken).ConfigureAwait(false);
        try
        {
            var values = new FingerprintKey[items.Count];
            var spellings = new FingerprintKey[items.Count];
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var lookup = new List<FingerprintKey>(items.Count);
            var distinct = new HashSet<FingerprintKey>(2 * items.Count, FingerprintKeyComparer.Instance);
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                values[i] = new FingerprintKey(item.EntityType, Fingerprint.Compute(keys.FingerprintKey, item.EntityType, ValueNormalizer.Normalize(item.EntityType, item.Value)));
                spellings[i] = new FingerprintKey(item.EntityType, Fingerprint.Spelling(keys.FingerprintKey, item.EntityType, item.Value));
                counts[item.EntityType] = counts.GetValueOrDefault(item.EntityType) + 1;
                if (distinct.Add(values[i]))
                {
                    lookup.Add(values[i]);
                }

                distinct.Add(spellings[i]);
            }

            var matches = new Dictionary<FingerprintKey, TokenMatch>(lookup.Count, FingerprintKeyComparer.Instance);
            await FindAsync(tenantId, lookup, now, matches, cancellationToken).ConfigureAwait(false);

            // Spelling rows are looked up only for values the vault holds under another first spelling: a value not
            // found has no live spelling row to speak of (round 2's insert-or-get returns one if a race or a longer TTL
            // left it), and a new value's lookup stays one probe, not two.
            var laterSpellings = new List<FingerprintKey>();
            var asked = new HashSet<FingerprintKey>(FingerprintKeyComparer.Instance);
            for (var i = 0; i < items.Count; i++)
            {
                if (matches.TryGetValue(values[i], out var value) && !IsFirstSpelling(value, spellings[i]) && asked.Add(spellings[i]))
                {
                    laterSpellings.Add(spellings[i]);
                }
            }

            await FindAsync(tenantId, laterSpellings, now, matches, cancellationToken).ConfigureAwait(false);

            var budget = new RowBudget(RowsAtMost(matches, values, spellings));
            await record(budget.Remaining, counts, keys.CurrentValueVersion).ConfigureAwait(false);

            // Round 1: values never seen. Remove from distinct: a value repeated within the batch is sealed once.
            await InsertAsync(tenantId, keys, now, matches, items, budget, i => matches.ContainsKey(values[i]) || !distinct.Remove(values[i])
                ? null
                : (TokenId.New(), values[i].Fingerprint), spellings, cancellationToken).ConfigureAwait(false);

            // Round 2: later spellings of values the vault holds.
            await InsertAsync(tenantId, keys, now, matches, items, budget, i => IsFirstSpelling(matches[values[i]], spellings[i]) || matches.ContainsKey(spellings[i]) || !distinct.Remove(spellings[i])
                ? null
                : (string.Concat(matches[values[i]].TokenId, "-", TokenId.NewSpelling()), spellings[i].Fingerprint), spellings, cancellationToken).ConfigureAwait(false);

            var tokens = new string[items.Count];
            var rows = new (string Key, int? SurrogateAttempt)[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                var value = matches[values[i]];
                var row = IsFirstSpelling(value, spellings[i]) ? value : matches[spellings[i]];
                rows[i] = (row.TokenId, row.SurrogateAttempt);
                tokens[i] = Token.FromKey(items[i].EntityType, row.TokenId).Format();
            }

            if (!surrogates)
            {
                return new Tokenized(tokens, []);
            }

            var (made, _) = await _surrogates.IssueAsync(tenantId, keys, items, rows, cancellationToken).ConfigureAwait(false);
            return new Tokenized(tokens, made);
        }
        finally
        {
            keys.Release();
        }
    }

    /// <summary>Adds the token rows the store holds for <paramref name="keys"/> to <paramref name="matches"/>.</summary>
    private async Task FindAsync(string tenantId, List<FingerprintKey> keys, DateTimeOffset now, Dictionary<FingerprintKey, TokenMatch> matches, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var found = await TenantKeyring.Stored(() => _store.FindTokenIdsAsync(tenantId, keys, now, cancellationToken)).ConfigureAwait(false);
        foreach (var match in found)
        {
            matches[new FingerprintKey(match.EntityType, match.Fingerprint)] = match;
        }
    }

    private static bool IsFirstSpelling(TokenMatch value, FingerprintKey spelling) =>
        value.SpellingFingerprint is { } first && first.AsSpan().SequenceEqual(spelling.Fingerprint);

    /// <summary>The most rows the two rounds write when no replica races: one per value not found (its first item's
    /// spelling becomes its first spelling), one per other spelling not found.</summary>
    private static int RowsAtMost(Dictionary<FingerprintKey, TokenMatch> matches, FingerprintKey[] values, FingerprintKey[] spellings)
    {
        var newValues = new Dictionary<FingerprintKey, byte[]>(FingerprintKeyComparer.Instance);
        var laterSpellings = new HashSet<FingerprintKey>(FingerprintKeyComparer.Instance);
        for (var i = 0; i < values.Length; i++)
        {
            bool first;
            if (matches.TryGetValue(values[i], out var match))
            {
                first = IsFirstSpelling(match, spellings[i]);
            }
            else if (newValues.TryGetValue(values[i], out var firstSpelling))
            {
                first = firstSpelling.AsSpan().SequenceEqual(spellings[i].Fingerprint);
            }
            else
            {
                newValues.Add(values[i], spellings[i].Fingerprint);
                first = true;
            }

            if (!first && !matches.ContainsKey(spellings[i]))
            {
                laterSpellings.Add(spellings[i]);
            }
        }

        return newValues.Count + laterSpellings.Count;
    }

    /// <summary>The rows a Tokenize's audit record announced and not yet written.</summary>
    private sealed class RowBudget(int rows)
    {
        public int Remaining { get; private set; } = rows;

        /// <summary>Takes <paramref name="rows"/> from the budget; an internal error (nothing written) beyond it.</summary>
        public void Take(int rows)
        {
            if (rows > Remaining)
            {
                throw new InvalidOperationException("A Tokenize would write more rows than its audit record announced.");
            }

            Remaining -= rows;
        }
    }

    /// <summary>Seals and inserts the rows <paramref name="plan"/> asks for (row key and lookup fingerprint per item, or
    /// null for none), within <paramref name="budget"/>, and records the rows the store holds afterwards in
    /// <paramref name="matches"/>.</summary>
    /// <remarks>Row keys are random: a clash with an existing row is astronomically rare for IDs (50 bits) and rare for
    /// spelling marks (10 bits, among one value's spellings), and then the rows are sealed again under new keys; nothing
    /// was written by the failed attempt.</remarks>
    private async Task InsertAsync(string tenantId, TenantKeys keys, DateTimeOffset now, Dictionary<FingerprintKey, TokenMatch> matches, IReadOnlyList<TokenizeInput> items, RowBudget budget, Func<int, (string Key, byte[] Fingerprint)?> plan, FingerprintKey[] spellings, CancellationToken cancellationToken)
    {
        var fresh = new List<NewToken>();
        var freshIndex = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (plan(i) is { } row)
            {
                fresh.Add(Seal(tenantId, row.Key, items[i], row.Fingerprint, spellings[i].Fingerprint, keys, now));
                freshIndex.Add(i);
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        budget.Take(fresh.Count);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stored = await TenantKeyring.Stored(() => _store.InsertOrGetAsync(tenantId, fresh, now, cancellationToken)).ConfigureAwait(false);
                foreach (var record in stored)
                {
                    matches[new FingerprintKey(record.EntityType, record.Fingerprint)] = new TokenMatch(record.EntityType, record.Fingerprint, record.TokenId, record.SpellingFingerprint);
                }

                return;
            }
            catch (TokenIdCollisionException) when (attempt < 5)
            {
                for (var k = 0; k < fresh.Count; k++)
                {
                    var old = fresh[k];
                    var key = old.TokenId.Length == TokenId.Length
                        ? TokenId.New()
                        : string.Concat(old.TokenId.AsSpan(0, TokenId.Length), "-", TokenId.NewSpelling());
                    fresh[k] = Seal(tenantId, key, items[freshIndex[k]], old.Fingerprint, old.SpellingFingerprint!, keys, now);
                }
            }
        }
    }

    private static NewToken Seal(string tenantId, string tokenKey, TokenizeInput item, byte[] fingerprint, byte[] spellingFingerprint, TenantKeys keys, DateTimeOffset now)
    {
        var plaintext = Encoding.UTF8.GetBytes(item.Value);
        try
        {
            var version = keys.CurrentValueVersion;
            var ciphertext = keys.CurrentCipher.Seal(plaintext, ValueAad.For(tenantId, tokenKey, item.EntityType, version));
            var subject = string.IsNullOrEmpty(item.SubjectRef) ? null : Fingerprint.SubjectReference(keys.FingerprintKey, item.SubjectRef);
            return new NewToken(tokenKey, item.EntityType, fingerprint, keys.FingerprintVersion, ciphertext, version, item.Ttl is { } ttl ? now + ttl : null, subject, spellingFingerprint);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Reads and opens the tokens' and candidates' rows; <paramref name="withheld"/> (by entity type) says which
    /// found surrogates are answered without their value.</summary>
    private async Task<(DetokenizedBatch Results, Dictionary<string, int> Counts, int Malformed)> DetokenizeCoreAsync(string tenantId, IReadOnlyList<string> tokens, IReadOnlyList<string> surrogates, Func<string, bool>? withheld, bool retry, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var parsed = new Token?[tokens.Count];
        var malformed = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is { Length: > 0 and <= 64 } text && Token.TryParseLenient(text, out var token))
            {
                parsed[i] = token;
            }
            else
            {
                malformed++;
            }
        }

        var wellFormed = new bool[surrogates.Count];
        for (var i = 0; i < surrogates.Count; i++)
        {
            wellFormed[i] = IsSurrogateCandidate(surrogates[i]);
            malformed += wellFormed[i] ? 0 : 1;
        }

        var keys = await _keyring.AcquireAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var missingKey = false;
        try
        {
            var ids = parsed.Where(p => p is not null).Select(p => p!.Value.Key).Distinct(StringComparer.Ordinal).ToArray();
            var fingerprints = new List<byte[]>(surrogates.Count);
            for (var i = 0; i < surrogates.Count; i++)
            {
                if (wellFormed[i])
                {
                    fingerprints.Add(Fingerprint.Surrogate(keys.FingerprintKey, surrogates[i]));
                }
            }

            // One store call at most: with candidates, the rows by ID and the candidates' holders in one round trip.
            IReadOnlyList<TokenRecord> rows = [];
            IReadOnlyList<TokenRecord?> surrogateRows = [];
            if (fingerprints.Count > 0)
            {
                (rows, surrogateRows) = await TenantKeyring.Stored(() => _store.GetTokensAndSurrogatesAsync(tenantId, ids, fingerprints, now, cancellationToken)).ConfigureAwait(false);
            }
            else if (ids.Length > 0)
            {
                rows = await TenantKeyring.Stored(() => _store.GetTokensAsync(tenantId, ids, now, cancellationToken)).ConfigureAwait(false);
            }

            var byId = rows.ToDictionary(r => r.TokenId, StringComparer.Ordinal);
            var results = new Detokenized[tokens.Count];
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < tokens.Count && !missingKey; i++)
            {
                if (parsed[i] is not { } token)
                {
                    results[i] = new Detokenized(string.Empty, false, string.Empty, string.Empty);
                    continue;
                }

                var formatted = token.Format();
                results[i] = byId.TryGetValue(token.Key, out var row) && row.EntityType == token.EntityType
                    ? Reveal(row, formatted)
                    : new Detokenized(formatted, false, string.Empty, string.Empty);
            }

            var surrogateResults = new Detokenized[surrogates.Count];
            for (int i = 0, found = 0; i < surrogates.Count && !missingKey; i++)
            {
                surrogateResults[i] = wellFormed[i] && surrogateRows[found++] is { } row
                    ? Reveal(row, Token.FromKey(row.EntityType, row.TokenId).Format(), open: withheld is null || !withheld(row.EntityType))
                    : new Detokenized(string.Empty, false, string.Empty, string.Empty);
            }

            if (!missingKey)
            {
                return (new DetokenizedBatch(results, surrogateResults), counts, malformed);
            }

            Detokenized Reveal(TokenRecord row, string token, bool open = true)
            {
                if (!keys.TryGetCipher(row.DekVersion, out var cipher))
                {
                    missingKey = true;
                    return new Detokenized(token, false, string.Empty, string.Empty);
                }

                counts[row.EntityType] = counts.GetValueOrDefault(row.EntityType) + 1;
                return new Detokenized(token, true, row.EntityType, open ? Open(tenantId, row, cipher) : string.Empty);
            }
        }
        finally
        {
            keys.Release();
        }

        // A row sealed under a DEK version this replica has not loaded yet (rotated on another replica).
        if (!retry)
        {
            throw new VaultException(VaultErrorKind.FailedPrecondition, "A token is sealed under a data key version the vault does not hold.", "dek_missing");
        }

        _keyring.Invalidate(tenantId);
        return await DetokenizeCoreAsync(tenantId, tokens, surrogates, withheld, retry: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a surrogate candidate can be looked up at all: 1 to <see cref="VaultOptions.MaxValueLength"/>
    /// characters of well-formed UTF-16. Anything else is counted as malformed (not found), never refused with its
    /// content.</summary>
    private bool IsSurrogateCandidate(string? candidate)
    {
        if (candidate is not { Length: > 0 } text || text.Length > _options.MaxValueLength)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Open(string tenantId, TokenRecord row, ValueCipher cipher)
    {
        byte[]? plaintext = null;
        try
        {
            plaintext = cipher.Open(row.Ciphertext, ValueAad.For(tenantId, row.TokenId, row.EntityType, row.DekVersion));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (EnvelopeException ex)
        {
            throw new VaultException(VaultErrorKind.FailedPrecondition, "A stored value failed its integrity check.", "integrity_check_failed", ex);
        }
        finally
        {
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    private void ValidateItems(IReadOnlyList<TokenizeInput> items)
    {
        if (items.Count == 0)
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, "A Tokenize batch needs at least one item.", "empty_batch");
        }

        if (items.Count > _options.MaxBatchSize)
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, $"A batch holds at most {_options.MaxBatchSize} items.", "batch_too_large");
        }

        foreach (var item in items)
        {
            if (TokenEntityTypes.SensitiveAuthenticationData.Contains(item.EntityType))
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "Sensitive authentication data (CVV, track data, PIN blocks) is never vaulted.", "sensitive_authentication_data");
            }

            if (!TokenEntityTypes.Vaulted.Contains(item.EntityType))
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "entity_type is not a type the vault stores.", "unknown_entity_type");
            }

            if (string.IsNullOrWhiteSpace(item.Value))
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "value must not be empty.", "empty_value");
            }

            if (item.Value.Length > _options.MaxValueLength || (item.SubjectRef?.Length ?? 0) > _options.MaxValueLength)
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, $"value and subject_ref hold at most {_options.MaxValueLength} characters.", "value_too_long");
            }

            if (item.Ttl is { } ttl && ttl <= TimeSpan.Zero)
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "ttl must be positive.", "invalid_ttl");
            }
        }
    }

    internal static void ValidateTenantId(string tenantId)
    {
        if (!IsValidTenantId(tenantId))
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, "tenant_id must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit.", "invalid_tenant_id");
        }
    }

    internal static bool IsValidTenantId(string? tenantId) => tenantId is not null && TenantIdPattern().IsMatch(tenantId);

    // \z, not $: "$" also matches before a final newline, and "tenant\n" must not pass as a tenant ID.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
