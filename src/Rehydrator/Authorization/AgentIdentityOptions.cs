namespace PrivateInference.Rehydrator.Authorization;

/// <summary>Where the Rehydrator finds the enterprise identity provider's keys, and what agents' JWTs must say.</summary>
public sealed class AgentIdentityOptions
{
    /// <summary>JWKS file with the identity provider's public signing keys (EC or RSA; symmetric keys are refused).</summary>
    public string? JwksFile { get; set; }

    /// <summary>The only accepted <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The only accepted <c>aud</c>: the Rehydrator's audience at the identity provider.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that names the agent's tenant (a vault tenant ID).</summary>
    public string TenantClaim { get; set; } = "pi_tenant";

    /// <summary>The claim that lists the agent's roles (a string or an array of strings).</summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>The claim that carries a break-glass grant (an object, see <see cref="BreakGlassGrant"/>).</summary>
    public string BreakGlassClaim { get; set; } = "pi_break_glass";

    /// <summary>Tolerance for clocks that disagree, applied to <c>exp</c> and <c>nbf</c> (not to break-glass expiry).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
