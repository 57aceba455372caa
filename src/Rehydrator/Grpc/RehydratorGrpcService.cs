using Grpc.Core;
using PrivateInference.Contracts.Rehydrator.V1;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Rehydration;
using WireAction = PrivateInference.Contracts.Rehydrator.V1.RehydrationAction;

namespace PrivateInference.Rehydrator.Grpc;

/// <summary>The Rehydrator's gRPC surface: authenticate the agent, call the engine, map. Never logs a request or a response.</summary>
public sealed class RehydratorGrpcService(RehydrationEngine engine, AgentAuthenticator authenticator) : RehydratorService.RehydratorServiceBase
{
    /// <inheritdoc />
    public override async Task<RehydrateResponse> Rehydrate(RehydrateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var agent = await AuthenticateAsync(context, request.TenantId, request.Purpose).ConfigureAwait(false);
        var result = await engine.RehydrateAsync(agent, request.TenantId, request.Purpose, request.Text, context.CancellationToken).ConfigureAwait(false);
        RehydratorTelemetry.Rehydrated(context, request.Purpose, request.Text.Length, result.Summary);
        return new RehydrateResponse { Text = result.Text, Summary = ToWire(result.Summary) };
    }

    /// <inheritdoc />
    public override async Task RehydrateStream(IAsyncStreamReader<RehydrateStreamRequest> requestStream, IServerStreamWriter<RehydrateStreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var any = await requestStream.MoveNext(cancellationToken).ConfigureAwait(false);
        var first = any ? requestStream.Current : new RehydrateStreamRequest();
        var agent = await AuthenticateAsync(context, first.TenantId, first.Purpose).ConfigureAwait(false);
        var session = await engine.OpenStreamAsync(agent, first.TenantId, first.Purpose, cancellationToken).ConfigureAwait(false);
        var message = first;
        var later = false;
        var (chunksIn, chunksOut, length) = (0, 1, 0L);
        while (any)
        {
            if (later && (Changed(message.Purpose, first.Purpose) || Changed(message.TenantId, first.TenantId)))
            {
                var refusal = new RehydrationException(RehydrationErrorKind.InvalidArgument, "purpose and tenant_id are set by the first message of a stream; later messages leave them empty or repeat them.", "stream_context_changed");
                await engine.RecordRefusalAsync(refusal, agent.TenantId, first.Purpose, agent, cancellationToken).ConfigureAwait(false);
                throw refusal;
            }

            (chunksIn, length) = (chunksIn + 1, length + message.Text.Length);
            var text = await session.WriteAsync(message.Text, cancellationToken).ConfigureAwait(false);
            if (text.Length > 0)
            {
                await responseStream.WriteAsync(new RehydrateStreamResponse { Text = text }, cancellationToken).ConfigureAwait(false);
                chunksOut++;
            }

            any = await requestStream.MoveNext(cancellationToken).ConfigureAwait(false);
            message = any ? requestStream.Current : message;
            later = true;
        }

        var end = await session.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await responseStream.WriteAsync(new RehydrateStreamResponse { Text = end.Text, Summary = ToWire(end.Summary) }, cancellationToken).ConfigureAwait(false);
        RehydratorTelemetry.Streamed(context, chunksIn, chunksOut);
        RehydratorTelemetry.Rehydrated(context, first.Purpose, length, end.Summary);
    }

    /// <summary>The summary in the contract's types.</summary>
    public static Contracts.Rehydrator.V1.RehydrationSummary ToWire(Rehydration.RehydrationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var wire = new Contracts.Rehydrator.V1.RehydrationSummary { Unresolved = summary.Unresolved, BreakGlassGrant = summary.BreakGlassGrant ?? string.Empty };
        foreach (var count in summary.Counts)
        {
            wire.Actions.Add(new ActionCount { EntityType = count.EntityType, Action = ToWire(count.Action), Count = count.Count });
        }

        return wire;
    }

    private static WireAction ToWire(Policy.RehydrationAction action) => action switch
    {
        Policy.RehydrationAction.Reveal => WireAction.Reveal,
        Policy.RehydrationAction.Mask => WireAction.Mask,
        _ => WireAction.Withhold,
    };

    private static bool Changed(string value, string first) => value.Length > 0 && !string.Equals(value, first, StringComparison.Ordinal);

    /// <summary>The agent of the call's bearer token; a refusal is recorded in the vault's audit before it is thrown.</summary>
    private async Task<AuthenticatedAgent> AuthenticateAsync(ServerCallContext context, string tenantId, string purpose)
    {
        var token = AgentAuthenticator.BearerToken(context.RequestHeaders.GetValue("authorization"));
        try
        {
            var agent = await authenticator.AuthenticateAsync(token).ConfigureAwait(false);
            RehydratorTelemetry.Authenticated(context, agent);
            return agent;
        }
        catch (RehydrationException refusal)
        {
            var tenant = AgentAuthenticator.IsValidTenantId(tenantId) ? tenantId : authenticator.UnverifiedTenant(token);
            await engine.RecordRefusalAsync(refusal, tenant, purpose, agent: null, context.CancellationToken).ConfigureAwait(false);
            throw;
        }
    }
}
