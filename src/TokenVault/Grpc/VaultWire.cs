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

    /// <summary>The service's view of a wire context (null stays null); unknown action names are refused, never dropped.</summary>
    /// <exception cref="VaultException">An action name is not reveal, mask or withhold.</exception>
    public static RehydrationContext? FromWire(Contracts.Vault.V1.RehydrationContext? wire)
    {
        if (wire is null)
        {
            return null;
        }

        var actions = new List<(string, RehydrationAction, int)>(wire.Actions.Count);
        foreach (var a in wire.Actions)
        {
            if (!RehydrationContext.TryParseAction(a.Action, out var action))
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "context.actions[].action must be reveal, mask or withhold.", "invalid_actions");
            }

            actions.Add((a.EntityType, action, a.Count));
        }

        return new RehydrationContext(wire.Agent, wire.Roles.ToArray(), wire.Purpose, wire.BreakGlassGrant.Length == 0 ? null : wire.BreakGlassGrant, actions);
    }
}
