using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateInference.Cli.Output;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Rehydration;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Grpc;

namespace PrivateInference.Cli.Commands;

/// <summary>
/// <c>pi rehydrate --role ROLE --purpose PURPOSE [--tenant T] [--token JWT] [FILE|-]</c>: model output on stdin or in a
/// file, the same text on stdout with each token revealed, masked or withheld as the agent's role and purpose allow;
/// a summary on stderr. <c>pi dev-token --role ROLE --tenant T</c>: a development agent JWT.
/// </summary>
/// <remarks>
/// The same <see cref="RehydrationEngine"/> as the Rehydrator service, over the vault in process (the embedded default,
/// or the vault <c>PI_VAULT_POSTGRES</c> names with <c>PI_VAULT_TOKEN</c>'s detokenizer identity). The agent's JWT is
/// checked like the service checks it: against <c>PI_REHYDRATOR_JWKS</c> (issuer <c>PI_REHYDRATOR_ISSUER</c>, audience
/// <c>PI_REHYDRATOR_AUDIENCE</c>) when set, else against the local development issuer in
/// <c>$PI_HOME/identity/agents</c>. Without <c>--token</c>, a short-lived development token for <c>--role</c> is issued
/// by that local issuer — development only, which is why it needs no IdP.
/// </remarks>
internal static class RehydrateCommand
{
    public const string DevIssuer = "privateinference-dev-idp";
    public const string DevAudience = "privateinference-rehydrator";
    private const string PolicyVariable = "PI_REHYDRATOR_POLICY";
    private const string JwksVariable = "PI_REHYDRATOR_JWKS";

    private static string AgentIssuerDirectory => Path.Combine(VaultSession.IdentityDirectory, "agents");

    public static Command Rehydrate()
    {
        var file = new Argument<string?>("FILE") { Description = "Text to rehydrate (model output), or - for standard input", Arity = ArgumentArity.ZeroOrOne };
        var role = new Option<string[]>("--role") { Description = "The agent's role(s) in the rehydration policy, e.g. clinician", AllowMultipleArgumentsPerToken = true };
        var purpose = new Option<string>("--purpose") { Description = "Purpose of use: treatment, payment, operations, …", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose tokens these are", DefaultValueFactory = _ => RedactCommand.DefaultTenant };
        var token = new Option<string?>("--token") { Description = "The agent's JWT (default: a development token for --role from the local issuer)" };
        var command = new Command("rehydrate", "Turn tokens in text back into values as the role and purpose allow (reveal, mask or withhold); text on stdout")
        {
            file, role, purpose, tenant, token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = await Terminal.ReadInputAsync(parse.GetValue(file) ?? "-", "rehydrate").ConfigureAwait(false);
            if (text is null)
            {
                return 66;
            }

            var tenantId = parse.GetValue(tenant)!;
            var jwt = parse.GetValue(token);
            var roles = parse.GetValue(role) ?? [];
            if (string.IsNullOrWhiteSpace(jwt))
            {
                if (roles.Length == 0)
                {
                    Terminal.Error.WriteLine("pi rehydrate: give --role (for a development token) or --token");
                    return 64;
                }

                jwt = IssueDevToken(roles, tenantId, Environment.UserName, TimeSpan.FromMinutes(5), breakGlass: null);
            }

            RehydrationPolicy policy;
            try
            {
                policy = RehydrationPolicy.Load(PolicyFile());
            }
            catch (RehydrationPolicyException ex)
            {
                Terminal.Error.WriteLine($"pi rehydrate: {ex.Message}");
                return 78;
            }

            return await VaultSession.RunAsync("rehydrate", async session =>
            {
                var engine = new RehydrationEngine(policy, new InProcessVault(session), new RehydrationOptions(), NullLogger<RehydrationEngine>.Instance);
                var authenticator = new AgentAuthenticator(IdentityOptions());
                AuthenticatedAgent? agent = null;
                try
                {
                    agent = await authenticator.AuthenticateAsync(jwt).ConfigureAwait(false);
                    if (roles.Length > 0 && !roles.All(agent.Roles.Contains))
                    {
                        throw new RehydrationException(RehydrationErrorKind.PermissionDenied, "The token does not grant the --role given.", "role_not_granted");
                    }

                    var result = await engine.RehydrateAsync(agent, tenantId, parse.GetValue(purpose)!, text, cancellationToken).ConfigureAwait(false);
                    Terminal.Out.Write(result.Text);
                    Terminal.Error.WriteLine(Summary(result.Summary));
                    return 0;
                }
                catch (RehydrationException ex)
                {
                    await RecordRefusalAsync(engine, ex, tenantId, parse.GetValue(purpose), agent).ConfigureAwait(false);
                    Terminal.Error.WriteLine($"pi rehydrate: {ex.Message}");
                    return ex.Kind switch
                    {
                        RehydrationErrorKind.Unauthenticated or RehydrationErrorKind.PermissionDenied => VaultSession.NoPermission,
                        RehydrationErrorKind.InvalidArgument => 64,
                        _ => VaultSession.Refused,
                    };
                }
            }).ConfigureAwait(false);
        });
        return command;
    }

    public static Command DevToken()
    {
        var role = new Option<string[]>("--role") { Description = "Role(s) to put in the token", Required = true, AllowMultipleArgumentsPerToken = true };
        var tenant = new Option<string>("--tenant") { Description = "Tenant claim", DefaultValueFactory = _ => RedactCommand.DefaultTenant };
        var subject = new Option<string?>("--subject") { Description = "The agent's subject (default: dev:<user name>)" };
        var minutes = new Option<int>("--minutes") { Description = "Lifetime in minutes", DefaultValueFactory = _ => 60 };
        var approver = new Option<string?>("--break-glass-approver") { Description = "Add a break-glass grant approved by this (other) person" };
        var reason = new Option<string>("--break-glass-reason") { Description = "Reason code of the break-glass grant", DefaultValueFactory = _ => "dev_break_glass" };
        var command = new Command("dev-token", "Issue a DEVELOPMENT agent JWT for the Rehydrator from the local issuer in $PI_HOME/identity/agents (never for production)")
        {
            role, tenant, subject, minutes, approver, reason,
        };
        command.SetAction(parse =>
        {
            var lifetime = TimeSpan.FromMinutes(Math.Clamp(parse.GetValue(minutes), 1, 24 * 60));
            var grant = parse.GetValue(approver) is { Length: > 0 } by ? (by, parse.GetValue(reason)!) : ((string, string)?)null;
            var sub = parse.GetValue(subject) ?? "dev:" + Environment.UserName;
            Terminal.Out.WriteLine(IssueDevToken(parse.GetValue(role)!, parse.GetValue(tenant)!, sub, lifetime, grant));
            Terminal.Error.WriteLine($"pi dev-token: DEVELOPMENT token from the local issuer (JWKS: {Path.Combine(AgentIssuerDirectory, "jwks.json")}), valid {lifetime.TotalMinutes:0} min");
            return 0;
        });
        return command;
    }

    private static string IssueDevToken(string[] roles, string tenantId, string subject, TimeSpan lifetime, (string Approver, string Reason)? breakGlass)
    {
        ServiceTokens.InitializeSigningKey(AgentIssuerDirectory);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["pi_tenant"] = tenantId,
            ["roles"] = roles,
        };
        if (breakGlass is { } grant)
        {
            claims["pi_break_glass"] = new Dictionary<string, object>
            {
                ["id"] = "bg-dev-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)),
                ["approver"] = grant.Approver,
                ["exp"] = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds(),
                ["reason"] = grant.Reason,
            };
        }

        return ServiceTokens.IssueJwt(AgentIssuerDirectory, DevIssuer, DevAudience, lifetime, claims);
    }

    private static AgentIdentityOptions IdentityOptions()
    {
        var jwks = Environment.GetEnvironmentVariable(JwksVariable);
        if (!string.IsNullOrWhiteSpace(jwks))
        {
            return new AgentIdentityOptions
            {
                JwksFile = jwks,
                Issuer = Environment.GetEnvironmentVariable("PI_REHYDRATOR_ISSUER"),
                Audience = Environment.GetEnvironmentVariable("PI_REHYDRATOR_AUDIENCE"),
            };
        }

        ServiceTokens.InitializeSigningKey(AgentIssuerDirectory);
        return new AgentIdentityOptions { JwksFile = Path.Combine(AgentIssuerDirectory, "jwks.json"), Issuer = DevIssuer, Audience = DevAudience };
    }

    /// <summary><c>PI_REHYDRATOR_POLICY</c>, else the example policy shipped next to the CLI (config/rehydration-policy.json).</summary>
    private static string PolicyFile() =>
        Environment.GetEnvironmentVariable(PolicyVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "rehydration-policy.json");

    private static async Task RecordRefusalAsync(RehydrationEngine engine, RehydrationException refusal, string tenantId, string? purpose, AuthenticatedAgent? agent)
    {
        try
        {
            await engine.RecordRefusalAsync(refusal, tenantId, purpose, agent).ConfigureAwait(false);
        }
        catch (RehydrationException)
        {
            // The refusal stands either way; the vault already reported why it could not record it.
        }
    }

    private static string Summary(RehydrationSummary summary)
    {
        string Of(RehydrationAction action) => summary.Total(action).ToString(CultureInfo.InvariantCulture);
        var grant = summary.BreakGlassGrant is null ? string.Empty : $", under break-glass grant {summary.BreakGlassGrant}";
        return $"pi rehydrate: {Of(RehydrationAction.Reveal)} revealed, {Of(RehydrationAction.Mask)} masked, {Of(RehydrationAction.Withhold)} withheld, {summary.Unresolved} unresolved{grant}";
    }

    /// <summary>The vault in this process, behind the Rehydrator's vault interface: the same calls, audit records and
    /// statuses as over gRPC (<see cref="VaultWire"/>).</summary>
    private sealed class InProcessVault(VaultSession session) : IRehydrationVault
    {
        public async Task<DetokenizeResponse> DetokenizeAsync(DetokenizeRequest request, CancellationToken cancellationToken)
        {
            try
            {
                var results = await session.Runtime.Pseudonyms.DetokenizeAsync(session.Caller, request.TenantId, request.Tokens, request.Surrogates, VaultWire.FromWire(request.Context), cancellationToken).ConfigureAwait(false);
                return VaultWire.ToWire(results);
            }
            catch (VaultException ex)
            {
                throw new RpcException(new Status(VaultWire.StatusOf(ex.Kind), ex.Message));
            }
        }

        public async Task RecordRehydrationAsync(RecordRehydrationRequest request, CancellationToken cancellationToken)
        {
            try
            {
                var context = VaultWire.FromWire(request.Context) ?? throw new VaultException(VaultErrorKind.InvalidArgument, "context is required.", "missing_context");
                await session.Runtime.Pseudonyms.RecordRehydrationAsync(session.Caller, request.TenantId, context, request.RefusalReason.Length == 0 ? null : request.RefusalReason, cancellationToken).ConfigureAwait(false);
            }
            catch (VaultException ex)
            {
                throw new RpcException(new Status(VaultWire.StatusOf(ex.Kind), ex.Message));
            }
        }
    }
}
