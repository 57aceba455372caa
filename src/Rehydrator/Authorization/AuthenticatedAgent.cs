namespace PrivateInference.Rehydrator.Authorization;

/// <summary>An agent whose JWT the Rehydrator verified: who, in which tenant, with which roles, until when, and the
/// break-glass grant it presented, if any.</summary>
/// <remarks>Hosts that authenticate agents themselves (a development CLI with a local token) may construct one; every
/// other path goes through <see cref="AgentAuthenticator"/>. The grant is authorized (not merely read) by the engine,
/// at each use.</remarks>
/// <param name="Subject">The identity provider's <c>sub</c>: 1-256 printable characters; goes into the vault's audit.</param>
/// <param name="TenantId">The tenant the agent belongs to (a vault tenant ID).</param>
/// <param name="Roles">The roles the identity provider asserted, as given; the policy ignores those it does not name.</param>
/// <param name="ExpiresAt">When the agent's token expires: a stream stops being served then.</param>
/// <param name="BreakGlass">The break-glass grant the token carries, or null.</param>
public sealed record AuthenticatedAgent(string Subject, string TenantId, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt, BreakGlassGrant? BreakGlass = null)
{
    /// <summary>Prints the shape, never the subject.</summary>
    public override string ToString() => $"AuthenticatedAgent({Roles.Count} roles, break-glass: {BreakGlass is not null})";
}
