using Google.Protobuf.Collections;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Policy;
using WireContext = PrivateInference.Contracts.Vault.V1.RehydrationContext;

namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>
/// Rehydration: tokens and surrogate candidates found in text → an action per entity type from the policy → one batched
/// Detokenize of the tokens to reveal or mask and of the candidates → text with values revealed, masked or withheld, and a
/// summary. What the gRPC service and the CLI both call.
/// </summary>
/// <remarks>
/// <para>Withheld tokens never leave the Rehydrator: only tokens whose action is reveal or mask are sent to the vault, in
/// batches of at most <see cref="RehydrationOptions.MaxBatchSize"/>, each with a <c>RehydrationContext</c> (agent, the
/// roles that took part, purpose, break-glass grant, distinct tokens per type and action) for the vault's audit.
/// Rehydrations without a Detokenize (nothing to reveal) and every refusal are recorded with <c>RecordRehydration</c>,
/// so each one is on the tenant's audit chain.</para>
/// <para>Surrogates (see <see cref="Text.TextScanner"/>): candidates are only questions to the vault; a candidate resolves
/// only when the vault recorded exactly that surrogate for the tenant, and then gets its type's action as a token would.
/// Unknown candidates stay as written and are not counted.</para>
/// <para>Fail closed: if the vault is unreachable or fails, the request fails (UNAVAILABLE, or FAILED_PRECONDITION for a
/// disabled key) and nothing of it is returned. A successful rehydration whose audit record cannot be written fails too.</para>
/// <para>Thread-safe; one instance per process (its rate limiter is per instance).</para>
/// </remarks>
public sealed class RehydrationEngine
{
    /// <summary>The agent recorded for refusals before any agent was authenticated.</summary>
    public const string AnonymousAgent = "anonymous";

    private const int MaxAuditRoles = 16;

    private readonly IRehydrationVault _vault;
    private readonly ILogger _logger;

    /// <summary>An engine over <paramref name="policy"/> and <paramref name="vault"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RehydrationEngine(RehydrationPolicy policy, IRehydrationVault vault, RehydrationOptions options, ILogger<RehydrationEngine> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        Policy = policy;
        Options = options;
        _vault = vault;
        _logger = logger;
        Time = timeProvider ?? TimeProvider.System;
        Limiter = new RevealRateLimiter(options.RevealsPerMinute, Time);
    }

    /// <summary>The policy every decision comes from.</summary>
    public RehydrationPolicy Policy { get; }

    /// <summary>The engine's limits.</summary>
    public RehydrationOptions Options { get; }

    internal TimeProvider Time { get; }

    internal RevealRateLimiter Limiter { get; }

    internal IRehydrationVault Vault => _vault;

    internal ILogger Logger => _logger;

    /// <summary>Rehydrates one text for <paramref name="agent"/> and <paramref name="purpose"/>.</summary>
    /// <param name="agent">The authenticated agent (<see cref="AgentAuthenticator"/>).</param>
    /// <param name="tenantId">The tenant the request names, or null/empty for the agent's own; any other tenant is refused.</param>
    /// <param name="purpose">Purpose of use, one of the policy's purposes.</param>
    /// <param name="text">SENSITIVE once returned: model output with tokens.</param>
    /// <param name="cancellationToken">Cancels the vault calls.</param>
    /// <exception cref="RehydrationException">Refused (recorded in the vault's audit) or failed (nothing revealed).</exception>
    public async Task<RehydrationResult> RehydrateAsync(AuthenticatedAgent agent, string? tenantId, string purpose, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = await OpenStreamAsync(agent, tenantId, purpose, cancellationToken).ConfigureAwait(false);
        return await stream.RehydrateWholeAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a streamed rehydration: authorizes the agent for the purpose once, then takes chunks
    /// (<see cref="RehydrationSession.WriteAsync"/>) and ends with <see cref="RehydrationSession.CompleteAsync"/>.</summary>
    /// <exception cref="RehydrationException">Refused (recorded in the vault's audit).</exception>
    public async Task<RehydrationSession> OpenStreamAsync(AuthenticatedAgent agent, string? tenantId, string purpose, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        try
        {
            CheckStillValid(agent);
            if (!string.IsNullOrEmpty(tenantId) && !string.Equals(tenantId, agent.TenantId, StringComparison.Ordinal))
            {
                throw new RehydrationException(RehydrationErrorKind.PermissionDenied, "tenant_id is not the agent's tenant.", "tenant_mismatch");
            }

            if (string.IsNullOrEmpty(purpose))
            {
                throw new RehydrationException(RehydrationErrorKind.InvalidArgument, "purpose is required (the purpose of use, e.g. treatment).", "missing_purpose");
            }

            if (!Policy.IsKnownPurpose(purpose))
            {
                throw new RehydrationException(RehydrationErrorKind.InvalidArgument, "purpose is not one of the policy's purposes of use.", "unknown_purpose");
            }

            var decision = Policy.Decide(agent.Roles, purpose, breakGlass: agent.BreakGlass is not null)
                ?? throw new RehydrationException(RehydrationErrorKind.PermissionDenied, "None of the agent's roles may rehydrate for this purpose.", "no_grant_for_purpose");
            return new RehydrationSession(this, agent, decision, decision.BreakGlassWidened ? agent.BreakGlass!.Id : null);
        }
        catch (RehydrationException refusal)
        {
            await RecordRefusalAsync(refusal, tenantId, purpose, agent, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Records a refusal on the vault's audit chain: for hosts whose own checks refuse a request before the engine sees
    /// it (above all a token the <see cref="AgentAuthenticator"/> refused). Never throws for a vault failure: the refusal
    /// stands either way, and the failure is logged.
    /// </summary>
    /// <param name="refusal">The refusal; its <see cref="RehydrationException.Reason"/> is recorded.</param>
    /// <param name="tenantId">The tenant to record under when no agent is known: the request's tenant, or a tenant claim
    /// read without verification (<see cref="AgentAuthenticator.UnverifiedTenant"/>). A tenant the vault does not know
    /// lands on its system chain.</param>
    /// <param name="purpose">The request's purpose; recorded only if the policy knows it (else <c>unknown</c>).</param>
    /// <param name="agent">The authenticated agent, or null (recorded as <see cref="AnonymousAgent"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task RecordRefusalAsync(RehydrationException refusal, string? tenantId, string? purpose, AuthenticatedAgent? agent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var roles = agent is null ? [] : AuditRoles(agent.Roles.Where(Policy.IsKnownRole));
        return RecordRefusalAsync(refusal, agent, tenantId, Policy.IsKnownPurpose(purpose) ? purpose! : RehydrationPolicy.UnknownPurpose, roles, null, cancellationToken);
    }

    internal async Task RecordRefusalAsync(RehydrationException refusal, AuthenticatedAgent? agent, string? tenantId, string purpose, IReadOnlyList<string> roles, IEnumerable<(string Type, RehydrationAction Action, int Count)>? counts, CancellationToken cancellationToken)
    {
        RehydratorLog.Refused(_logger, refusal.Kind, refusal.Reason);
        var context = Context(agent, purpose, roles, AuditableGrant(agent), counts ?? []);
        var tenant = agent?.TenantId ?? (AgentAuthenticator.IsValidTenantId(tenantId) ? tenantId! : string.Empty);
        try
        {
            await _vault.RecordRehydrationAsync(new RecordRehydrationRequest { TenantId = tenant, Context = context, RefusalReason = refusal.Reason }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RehydratorLog.RefusalNotRecorded(_logger, refusal.Reason, ex.GetType().Name);
        }
    }

    /// <summary>Refuses (UNAUTHENTICATED or PERMISSION_DENIED) an agent whose token or break-glass grant has expired.</summary>
    internal void CheckStillValid(AuthenticatedAgent agent)
    {
        var now = Time.GetUtcNow();
        if (now >= agent.ExpiresAt + Options.ClockSkew)
        {
            throw new RehydrationException(RehydrationErrorKind.Unauthenticated, "The agent token has expired.", "token_expired");
        }

        agent.BreakGlass?.Check(agent, now);
    }

    /// <summary>The audit context: names and counts only.</summary>
    internal static WireContext Context(AuthenticatedAgent? agent, string purpose, IReadOnlyList<string> roles, string? grant, IEnumerable<(string Type, RehydrationAction Action, int Count)> counts)
    {
        var context = new WireContext
        {
            Agent = agent?.Subject ?? AnonymousAgent,
            Purpose = purpose,
            BreakGlassGrant = grant ?? string.Empty,
        };
        context.Roles.AddRange(roles);
        AddCounts(context.Actions, counts);
        return context;
    }

    internal static void AddCounts(RepeatedField<ActionCount> actions, IEnumerable<(string Type, RehydrationAction Action, int Count)> counts)
    {
        foreach (var (type, action, count) in counts.OrderBy(c => c.Type, StringComparer.Ordinal).ThenBy(c => c.Action))
        {
            if (count > 0)
            {
                actions.Add(new ActionCount { EntityType = type, Action = RehydrationActions.Name(action), Count = count });
            }
        }
    }

    internal static IReadOnlyList<string> AuditRoles(IEnumerable<string> roles) =>
        roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxAuditRoles).ToArray();

    /// <summary>The grant ID of an agent's grant when it has the audit vocabulary's shape (refused grants included, so a
    /// failed break-glass is attributable).</summary>
    private static string? AuditableGrant(AuthenticatedAgent? agent) =>
        agent?.BreakGlass?.Id is { } id && RehydrationPolicy.IsValidName(id) ? id : null;
}
