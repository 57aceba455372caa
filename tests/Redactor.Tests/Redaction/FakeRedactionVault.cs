using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Redactor.Tests.Redaction;

/// <summary>A vault in memory: a deterministic token per type and value, every request kept for inspection, failures on
/// demand.</summary>
internal sealed class FakeRedactionVault : IRedactionVault
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public ConcurrentQueue<TokenizeRequest> Requests { get; } = new();

    public Func<TokenizeRequest, TokenizeResponse>? Answer { get; set; }

    public Exception? Failure { get; set; }

    public IEnumerable<string> ValuesSent => Requests.SelectMany(r => r.Items.Select(i => i.Value));

    public static string TokenOf(string type, string value)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(type + "\0" + value));
        var id = new StringBuilder(10);
        for (var i = 0; i < 10; i++)
        {
            id.Append(Crockford[hash[i] % 32]);
        }

        return $"[{type}_{id}]";
    }

    public Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.Clone());
        if (Failure is not null)
        {
            throw Failure;
        }

        if (Answer is not null)
        {
            return Task.FromResult(Answer(request));
        }

        var response = new TokenizeResponse();
        response.Tokens.AddRange(request.Items.Select(i => TokenOf(i.EntityType, i.Value)));
        if (request.Surrogates)
        {
            response.Surrogates.AddRange(request.Items.Select(i => SurrogateOf(i.EntityType, i.Value)));
        }

        return Task.FromResult(response);
    }

    /// <summary>The fake's surrogate: "" for e-mail addresses (no surrogate, as in the vault), else a stand-in derived from
    /// the token (never the value).</summary>
    public static string SurrogateOf(string type, string value) =>
        type == "EMAIL" ? string.Empty : "Sur " + TokenOf(type, value)[(type.Length + 2)..^1].ToLowerInvariant();

    public static RpcException Status(StatusCode code) => new(new global::Grpc.Core.Status(code, "fake vault refusal"));
}
