using Grpc.Core;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>How the vault's data plane meets the wire: the gRPC status of each refusal kind, and the service's view of a
/// Rehydrator's context. Shared by the gRPC service and by in-process hosts (the CLI) so the two cannot drift.</summary>
public static class VaultWire
{
    /// <summary>The gRPC status code of a refusal kind; anything unclassified is UNAVAILABLE (fail closed, retryable).</summary>
    public static StatusCode StatusOf(VaultErrorKind kind) => kind switch
    {
        VaultErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        VaultErrorKind.TenantNotFound => StatusCode.NotFound,
        VaultErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        VaultErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        VaultErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        VaultErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        _ => StatusCode.Unavailable,
    };

    /// <summary>The service's view of a wire context (null stays null). Unknown action names are kept as an undefined
    /// action, never dropped, so that <see cref="RehydrationContext.Validate"/> refuses them where the refusal is audited.
    /// An empty <c>surrogate_actions</c> map is none (every surrogate type withheld).</summary>
    public static RehydrationContext? FromWire(Contracts.Vault.V1.RehydrationContext? wire)
    {
        if (wire is null)
        {
            return null;
        }

        var actions = new List<(string, RehydrationAction, int)>(wire.Actions.Count);
        foreach (var a in wire.Actions)
        {
            actions.Add((a.EntityType, ActionOf(a.Action), a.Count));
        }

        Dictionary<string, RehydrationAction>? surrogateActions = null;
        if (wire.SurrogateActions.Count > 0)
        {
            surrogateActions = new Dictionary<string, RehydrationAction>(wire.SurrogateActions.Count, StringComparer.Ordinal);
            foreach (var (type, action) in wire.SurrogateActions)
            {
                surrogateActions[type] = ActionOf(action);
            }
        }

        return new RehydrationContext(wire.Agent, wire.Roles.ToArray(), wire.Purpose, wire.BreakGlassGrant.Length == 0 ? null : wire.BreakGlassGrant, actions, surrogateActions);

        static RehydrationAction ActionOf(string name) => RehydrationContext.TryParseAction(name, out var action) ? action : (RehydrationAction)(-1);
    }

    /// <summary>The service's view of a Tokenize request's items (an empty subject reference means none).</summary>
    public static TokenizeInput[] FromWire(Contracts.Vault.V1.TokenizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var items = new TokenizeInput[request.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = request.Items[i];
            items[i] = new TokenizeInput(item.EntityType, item.Value, item.SubjectRef.Length == 0 ? null : item.SubjectRef, item.Ttl?.ToTimeSpan());
        }

        return items;
    }

    /// <summary>A Tokenize response: the tokens and, when they were asked for, the surrogates.</summary>
    public static Contracts.Vault.V1.TokenizeResponse ToWire(Tokenized result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var response = new Contracts.Vault.V1.TokenizeResponse();
        response.Tokens.AddRange(result.Tokens);
        response.Surrogates.AddRange(result.Surrogates);
        return response;
    }

    /// <summary>A Detokenize response: one result per token, one per surrogate candidate.</summary>
    public static Contracts.Vault.V1.DetokenizeResponse ToWire(DetokenizedBatch results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var response = new Contracts.Vault.V1.DetokenizeResponse();
        response.Results.AddRange(results.Tokens.Select(ToWire));
        response.SurrogateResults.AddRange(results.Surrogates.Select(ToWire));
        return response;
    }

    private static Contracts.Vault.V1.DetokenizeResult ToWire(Detokenized r) =>
        new() { Token = r.Token, Found = r.Found, EntityType = r.EntityType, Value = r.Value };
}
