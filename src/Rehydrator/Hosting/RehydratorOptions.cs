using PrivateInference.Rehydrator.Authorization;

namespace PrivateInference.Rehydrator.Hosting;

/// <summary>Settings of the Rehydrator service (configuration section <c>Rehydrator</c>; the host also reads the
/// <c>PI_*</c> environment variables listed in <see cref="RehydratorEnvironment"/>).</summary>
public sealed class RehydratorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Rehydrator";

    /// <summary>Path of the rehydration policy (JSON). Required: without a policy the service does not start.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>Longest text per request or stream chunk, in UTF-16 code units (default 1 MiB of characters).</summary>
    public int MaxTextLength { get; set; } = 1024 * 1024;

    /// <summary>Values revealed or masked per caller per minute, per replica (default 600).</summary>
    public int RevealsPerMinute { get; set; } = 600;

    /// <summary>The TokenVault's gRPC address, e.g. <c>http://tokenvault:8080</c>.</summary>
    public string? VaultUrl { get; set; }

    /// <summary>SECRET: the Rehydrator's service token for the vault (detokenizer role). Or use <see cref="VaultTokenFile"/>.</summary>
    public string? VaultToken { get; set; }

    /// <summary>A file holding the service token, read again when it changes (for rotation without a restart).</summary>
    public string? VaultTokenFile { get; set; }

    /// <summary>Deadline of each vault call (default 5 s).</summary>
    public TimeSpan VaultTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The enterprise identity provider: JWKS file, issuer, audience, claim names, clock skew.</summary>
    public AgentIdentityOptions Identity { get; set; } = new();
}
