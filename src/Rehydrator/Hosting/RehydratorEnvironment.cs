namespace PrivateInference.Rehydrator.Hosting;

/// <summary>The environment variables the Rehydrator's host reads, mapped onto its configuration keys.</summary>
/// <remarks>
/// <list type="table">
/// <item><term>PI_REHYDRATOR_POLICY</term><description>rehydration policy file (required)</description></item>
/// <item><term>PI_REHYDRATOR_JWKS</term><description>the identity provider's JWKS file (required)</description></item>
/// <item><term>PI_REHYDRATOR_ISSUER</term><description>accepted <c>iss</c> (required)</description></item>
/// <item><term>PI_REHYDRATOR_AUDIENCE</term><description>accepted <c>aud</c> (required)</description></item>
/// <item><term>PI_REHYDRATOR_TENANT_CLAIM</term><description>tenant claim name (default <c>pi_tenant</c>)</description></item>
/// <item><term>PI_REHYDRATOR_ROLES_CLAIM</term><description>roles claim name (default <c>roles</c>)</description></item>
/// <item><term>PI_REHYDRATOR_MAX_TEXT_LENGTH</term><description>text limit in UTF-16 code units (default 1,048,576)</description></item>
/// <item><term>PI_REHYDRATOR_REVEALS_PER_MINUTE</term><description>rate limit per caller (default 600)</description></item>
/// <item><term>PI_VAULT_URL</term><description>the TokenVault's gRPC address (required)</description></item>
/// <item><term>PI_VAULT_TOKEN</term><description>the Rehydrator's detokenizer service token for the vault (or PI_VAULT_TOKEN_FILE)</description></item>
/// <item><term>PI_VAULT_TOKEN_FILE</term><description>a file with that token, re-read when it changes</description></item>
/// </list>
/// </remarks>
public static class RehydratorEnvironment
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("PI_REHYDRATOR_POLICY", "Rehydrator:PolicyFile"),
        ("PI_REHYDRATOR_JWKS", "Rehydrator:Identity:JwksFile"),
        ("PI_REHYDRATOR_ISSUER", "Rehydrator:Identity:Issuer"),
        ("PI_REHYDRATOR_AUDIENCE", "Rehydrator:Identity:Audience"),
        ("PI_REHYDRATOR_TENANT_CLAIM", "Rehydrator:Identity:TenantClaim"),
        ("PI_REHYDRATOR_ROLES_CLAIM", "Rehydrator:Identity:RolesClaim"),
        ("PI_REHYDRATOR_MAX_TEXT_LENGTH", "Rehydrator:MaxTextLength"),
        ("PI_REHYDRATOR_REVEALS_PER_MINUTE", "Rehydrator:RevealsPerMinute"),
        ("PI_VAULT_URL", "Rehydrator:VaultUrl"),
        ("PI_VAULT_TOKEN", "Rehydrator:VaultToken"),
        ("PI_VAULT_TOKEN_FILE", "Rehydrator:VaultTokenFile"),
    ];

    /// <summary>Configuration entries for the variables that are set (through <paramref name="read"/>, the process
    /// environment by default).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Read(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        foreach (var (variable, key) in Map)
        {
            if (read(variable) is { Length: > 0 } value)
            {
                yield return new KeyValuePair<string, string?>(key, value);
            }
        }
    }
}
