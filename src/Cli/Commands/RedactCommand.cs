using System.CommandLine;
using System.Text;
using PrivateInference.Cli.Output;
using PrivateInference.Redactor.Detection;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi redact [--tenant T] [FILE|-]</c>: the sanitized text on stdout — every value found replaced by its
/// vault token, sensitive authentication data (CVV, track data) replaced irreversibly.</summary>
/// <remarks>
/// First increment of issue 5, on the embedded default or the configured vault: one scan, one batched Tokenize,
/// then the replacement. The per-tenant redaction policy, surrogates and the gRPC Redact come with the rest of
/// that issue.
/// </remarks>
internal static class RedactCommand
{
    public const string DefaultTenant = "default";

    public static Command Create()
    {
        var file = new Argument<string?>("FILE") { Description = "Text file to redact, or - for standard input", Arity = ArgumentArity.ZeroOrOne };
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose vault keys and token space are used", DefaultValueFactory = _ => DefaultTenant };
        var command = new Command("redact", "Replace card data and PHI in text with vault tokens (CVV and track data are destroyed); sanitized text on stdout")
        {
            file, tenant,
        };
        command.SetAction((parse, _) =>
        {
            var path = parse.GetValue(file) ?? "-";
            string text;
            try
            {
                text = path == "-" ? new StreamReader(Terminal.OpenStandardInput()).ReadToEnd() : File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                Terminal.Error.WriteLine($"pi redact: cannot read the file ({ex.GetType().Name})");
                return Task.FromResult(66);
            }

            return VaultSession.RunAsync("redact", async session =>
            {
                var tenantId = parse.GetValue(tenant)!;
                await session.EnsureEmbeddedTenantAsync(tenantId).ConfigureAwait(false);
                Terminal.Out.Write(await RedactAsync(session, tenantId, text).ConfigureAwait(false));
                return 0;
            });
        });
        return command;
    }

    internal static async Task<string> RedactAsync(VaultSession session, string tenantId, string text)
    {
        var entities = DetectionEngine.Default.Scan(text);
        var vaulted = entities.Where(e => !IsSensitiveAuthenticationData(e.Type)).ToArray();
        IReadOnlyList<string> tokens = vaulted.Length == 0
            ? []
            : await session.Runtime.Pseudonyms.TokenizeAsync(
                session.Caller,
                tenantId,
                vaulted.Select(e => new TokenizeInput(e.Type.WireName(), text[e.Start..e.End])).ToArray()).ConfigureAwait(false);

        var builder = new StringBuilder(text.Length);
        var cursor = 0;
        var next = 0;
        foreach (var entity in entities)
        {
            builder.Append(text, cursor, entity.Start - cursor);
            builder.Append(IsSensitiveAuthenticationData(entity.Type) ? $"[{entity.Type.WireName()}_REDACTED]" : tokens[next++]);
            cursor = entity.End;
        }

        builder.Append(text, cursor, text.Length - cursor);
        return builder.ToString();
    }

    // The vault's own list: what it refuses to store is exactly what the redaction destroys.
    private static bool IsSensitiveAuthenticationData(EntityType type) => TokenVault.Pseudonymization.EntityTypes.SensitiveAuthenticationData.Contains(type.WireName());
}
