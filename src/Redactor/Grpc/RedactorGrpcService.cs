using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Hosting;
using PrivateInference.Redactor.Redaction;
using WireEntityType = PrivateInference.Contracts.Redactor.V1.EntityType;

namespace PrivateInference.Redactor.Grpc;

/// <summary>The Redactor's gRPC surface: validate, call the engine, map. Never logs or returns a value.</summary>
public sealed class RedactorGrpcService(
    DetectionEngine engine,
    Policy.DetectionPolicy policy,
    RedactionEngine redaction,
    IRedactionVault vault,
    IOptions<RedactorOptions> options,
    ILogger<RedactorGrpcService> logger) : RedactorService.RedactorServiceBase
{
    public override Task<ScanResponse> Scan(ScanRequest request, ServerCallContext context)
    {
        var limit = options.Value.MaxTextLength;
        if (request.Text.Length > limit)
        {
            throw new RequestValidationException($"text exceeds the limit of {limit} characters");
        }

        if (request.MinConfidence is < 0 or > 1 || double.IsNaN(request.MinConfidence))
        {
            throw new RequestValidationException("min_confidence must be between 0 and 1");
        }

        if (request.TenantId.Length > 128)
        {
            throw new RequestValidationException("tenant_id exceeds 128 characters");
        }

        var scanOptions = policy.For(
            request.TenantId.Length == 0 ? null : request.TenantId,
            request.EntityTypes.Count == 0 ? null : request.EntityTypes.Select(FromWire).ToHashSet(),
            request.MinConfidence);

        var started = Stopwatch.GetTimestamp();
        var found = engine.Scan(request.Text, scanOptions);
        var response = new ScanResponse();
        foreach (var e in found)
        {
            response.Entities.Add(new Entity
            {
                Type = ToWire(e.Type),
                Start = e.Start,
                End = e.End,
                Confidence = e.Confidence,
                Recognizer = e.Recognizer,
            });
        }

        RedactorLog.Scanned(logger, request.Text.Length, found.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        RedactorTelemetry.Scanned(context, request.Text.Length, found);
        return Task.FromResult(response);
    }

    public override async Task<RedactResponse> Redact(RedactRequest request, ServerCallContext context)
    {
        if (vault is UnconfiguredVault)
        {
            throw new RedactionException(RedactionFailure.VaultUnavailable, UnconfiguredVault.Message);
        }

        if (request.MinConfidence is < 0 or > 1 || double.IsNaN(request.MinConfidence))
        {
            throw new RequestValidationException("min_confidence must be between 0 and 1");
        }

        if (request.TenantId.Length is 0 or > 128)
        {
            throw new RequestValidationException("tenant_id is required and at most 128 characters");
        }

        if (request.SubjectRef.Length > 256)
        {
            throw new RequestValidationException("subject_ref exceeds 256 characters");
        }

        TimeSpan? ttl = null;
        if (request.Ttl is not null)
        {
            if (request.Ttl.Seconds < 0 || request.Ttl.Nanos < 0 || (request.Ttl.Seconds == 0 && request.Ttl.Nanos == 0) || request.Ttl.Seconds > 100L * 365 * 24 * 3600)
            {
                throw new RequestValidationException("ttl must be positive and at most 100 years");
            }

            ttl = request.Ttl.ToTimeSpan();
        }

        ReplacementStyle? style = request.Replacement switch
        {
            ReplacementMode.Unspecified => null,
            ReplacementMode.Token => ReplacementStyle.Token,
            ReplacementMode.Surrogate => ReplacementStyle.Surrogate,
            _ => throw new RequestValidationException("replacement is not a known replacement mode"),
        };

        var scanOptions = policy.For(
            request.TenantId,
            request.EntityTypes.Count == 0 ? null : request.EntityTypes.Select(FromWire).ToHashSet(),
            request.MinConfidence);
        var result = await redaction.RedactAsync(
            new RedactionRequest(request.TenantId, request.Text, scanOptions, policy.RedactionFor(request.TenantId), request.SubjectRef, ttl, style),
            context.CancellationToken).ConfigureAwait(false);

        RedactorTelemetry.Redacted(context, request.Text.Length, result);
        var response = new RedactResponse { Text = result.Text };
        foreach (var r in result.Replacements)
        {
            response.Entities.Add(new RedactedEntity
            {
                Type = ToWire(r.Type),
                Token = r.Text,
                Start = r.Start,
                End = r.End,
                Action = r.Decision switch
                {
                    RedactionDecision.Tokenize => RedactionAction.Tokenized,
                    RedactionDecision.Surrogate => RedactionAction.Surrogate,
                    _ => RedactionAction.Masked,
                },
            });
        }

        return response;
    }

    // The proto enum lists the engine's types in the same order, offset by the UNSPECIFIED zero value.
    internal static WireEntityType ToWire(Detection.EntityType type) => (WireEntityType)((int)type + 1);

    internal static Detection.EntityType FromWire(WireEntityType type)
    {
        var value = (int)type - 1;
        if (value < 0 || value >= EntityTypes.All.Count)
        {
            throw new RequestValidationException("entity_types contains an unknown or unspecified entity type");
        }

        return (Detection.EntityType)value;
    }
}
