namespace PrivateInference.TokenVault.Authorization;

/// <summary>What an identity may do in the vault. A service holds one role; nobody needs two.</summary>
[Flags]
public enum VaultRoles
{
    None = 0,

    /// <summary>May tokenize (the Redactor's identity).</summary>
    Tokenizer = 1,

    /// <summary>May detokenize (the Rehydrator's identity).</summary>
    Detokenizer = 2,

    /// <summary>May manage keys: create, import, rotate, disable, enable, approve and destroy (security admins).
    /// May neither tokenize nor detokenize.</summary>
    KeyAdmin = 4,

    /// <summary>May verify and export the audit trail (auditors, SIEM collectors).</summary>
    Auditor = 8,

    /// <summary>May erase a data subject's mappings (privacy operations).</summary>
    Eraser = 16,
}

/// <summary>An authenticated caller: who (for the audit trail) and what they may do.</summary>
/// <param name="Subject">Stable identity name, e.g. "svc:redactor", "admin:alice". Goes into audit records.</param>
/// <param name="Roles">The roles granted by the verified credential.</param>
public sealed record Caller(string Subject, VaultRoles Roles)
{
    /// <summary>The embedded default's operator at the local command line: every role, for development only.</summary>
    public static Caller LocalOperator { get; } = new("local:operator", VaultRoles.Tokenizer | VaultRoles.Detokenizer | VaultRoles.KeyAdmin | VaultRoles.Auditor | VaultRoles.Eraser);

    /// <summary>The vault's own background jobs (re-encryption, expiry purge).</summary>
    public static Caller System { get; } = new("system:vault", VaultRoles.None);

    public bool Has(VaultRoles role) => (Roles & role) == role;

    /// <summary>Throws <see cref="VaultException"/> (PERMISSION_DENIED) unless the caller holds <paramref name="role"/>.</summary>
    public void Require(VaultRoles role)
    {
        if (!Has(role))
        {
            throw new VaultException(VaultErrorKind.PermissionDenied, $"The caller's identity does not hold the {role} role.", "permission_denied");
        }
    }
}
