namespace PrivateInference.Redactor.Hosting;

/// <summary>Settings of the Redactor service (configuration section <c>Redactor</c>).</summary>
public sealed class RedactorOptions
{
    public const string SectionName = "Redactor";

    /// <summary>Largest text accepted per request, in UTF-16 code units (default 1 MiB of characters).</summary>
    public int MaxTextLength { get; set; } = 1024 * 1024;

    /// <summary>Path of the per-tenant detection policy (JSON); empty means every type for every tenant.</summary>
    public string? PolicyFile { get; set; }
}
