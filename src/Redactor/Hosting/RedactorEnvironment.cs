namespace PrivateInference.Redactor.Hosting;

/// <summary>The environment variables the Redactor's host reads, mapped onto its configuration keys (the same vault
/// variable names as the Rehydrator's).</summary>
/// <remarks>
/// <list type="table">
/// <item><term>PI_REDACTOR_POLICY</term><description>per-tenant detection and redaction policy file (optional)</description></item>
/// <item><term>PI_REDACTOR_MAX_TEXT_LENGTH</term><description>text limit in UTF-16 code units (default 1,048,576)</description></item>
/// <item><term>PI_VAULT_URL</term><description>the TokenVault's gRPC address (needed for Redact)</description></item>
/// <item><term>PI_VAULT_TOKEN</term><description>the Redactor's tokenizer service token for the vault (or PI_VAULT_TOKEN_FILE)</description></item>
/// <item><term>PI_VAULT_TOKEN_FILE</term><description>a file with that token, re-read when it changes</description></item>
/// </list>
/// </remarks>
public static class RedactorEnvironment
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("PI_REDACTOR_POLICY", "Redactor:PolicyFile"),
        ("PI_REDACTOR_MAX_TEXT_LENGTH", "Redactor:MaxTextLength"),
        ("PI_VAULT_URL", "Redactor:VaultUrl"),
        ("PI_VAULT_TOKEN", "Redactor:VaultToken"),
        ("PI_VAULT_TOKEN_FILE", "Redactor:VaultTokenFile"),
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
