namespace PrivateInference.Redactor.Hosting;

/// <summary>Settings of the Redactor service (configuration section <c>Redactor</c>; the host also reads the
/// <c>PI_*</c> environment variables listed in <see cref="RedactorEnvironment"/>).</summary>
public sealed class RedactorOptions
{
    public const string SectionName = "Redactor";

    /// <summary>Largest text accepted per request, in UTF-16 code units (default 1 MiB of characters).</summary>
    public int MaxTextLength { get; set; } = 1024 * 1024;

    /// <summary>Path of the per-tenant detection and redaction policy (JSON); empty means every type for every tenant,
    /// every type tokenized.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>The TokenVault's gRPC address, e.g. <c>http://tokenvault:8080</c>. Without it Redact answers UNAVAILABLE
    /// (Scan still works).</summary>
    public string? VaultUrl { get; set; }

    /// <summary>SECRET: the Redactor's service token for the vault (tokenizer role). Or use <see cref="VaultTokenFile"/>.</summary>
    public string? VaultToken { get; set; }

    /// <summary>A file holding the service token, read again when it changes (for rotation without a restart).</summary>
    public string? VaultTokenFile { get; set; }

    /// <summary>Deadline of each vault call (default 5 s).</summary>
    public TimeSpan VaultTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
