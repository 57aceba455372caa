using System.CommandLine;
using PrivateInference.Cli.Output;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Policy;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi redact [--tenant T] [--surrogates] [FILE|-]</c>: the sanitized text on stdout — every value found
/// replaced by its vault token (with <c>--surrogates</c>, or when the tenant's policy says <c>"replacement": "surrogate"</c>,
/// by a realistic surrogate the vault maps to that token, where its type has one), sensitive authentication data (CVV,
/// track data) replaced irreversibly.</summary>
/// <remarks>
/// Runs the Redactor's own <see cref="RedactionEngine"/> (the one behind <c>RedactorService.Redact</c>) over the vault
/// in this process, so the command and the service cannot drift: one scan, one batched Tokenize, then the replacement,
/// under the tenant's detection and redaction policy (<c>PI_DETECTION_POLICY</c> or <c>$PI_HOME/detection-policy.json</c>).
/// </remarks>
internal static class RedactCommand
{
    public const string DefaultTenant = "default";

    public static Command Create()
    {
        var file = new Argument<string?>("FILE") { Description = "Text file to redact, or - for standard input", Arity = ArgumentArity.ZeroOrOne };
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose vault keys and token space are used", DefaultValueFactory = _ => DefaultTenant };
        var surrogates = new Option<bool>("--surrogates") { Description = "Write realistic surrogates (recorded in the vault) instead of bracketed tokens where the type has one" };
        var command = new Command("redact", "Replace card data and PHI in text with vault tokens (CVV and track data are destroyed); sanitized text on stdout")
        {
            file, tenant, surrogates,
        };
        command.SetAction(async (parse, _) =>
        {
            var text = await Terminal.ReadInputAsync(parse.GetValue(file) ?? "-", "redact").ConfigureAwait(false);
            if (text is null)
            {
                return 66;
            }

            var policy = ScanCommand.LoadPolicy("redact");
            if (policy is null)
            {
                return 2;
            }

            return await VaultSession.RunAsync("redact", async session =>
            {
                var tenantId = parse.GetValue(tenant)!;
                await session.EnsureEmbeddedTenantAsync(tenantId).ConfigureAwait(false);
                try
                {
                    Terminal.Out.Write(await RedactAsync(session, policy, tenantId, text, parse.GetValue(surrogates) ? ReplacementStyle.Surrogate : null).ConfigureAwait(false));
                    return 0;
                }
                catch (RedactionException ex)
                {
                    Terminal.Error.WriteLine($"pi redact: {ex.Message}");
                    return ex.Kind == RedactionFailure.InvalidArgument ? 65 : VaultSession.Refused;
                }
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The sanitized text; <paramref name="replacement"/> null means the tenant policy's replacement style.</summary>
    internal static async Task<string> RedactAsync(VaultSession session, DetectionPolicy policy, string tenantId, string text, ReplacementStyle? replacement = null)
    {
        var engine = new RedactionEngine(DetectionEngine.Default, new InProcessRedactionVault(session), int.MaxValue, NullLogger<RedactionEngine>.Instance);
        var result = await engine.RedactAsync(new RedactionRequest(tenantId, text, policy.For(tenantId, null, 0), policy.RedactionFor(tenantId), Replacement: replacement)).ConfigureAwait(false);
        return result.Text;
    }
}
