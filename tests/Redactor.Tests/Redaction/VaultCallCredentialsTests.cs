using PrivateInference.VaultClient;

namespace PrivateInference.Redactor.Tests.Redaction;

/// <summary>The Redactor's identity on its vault calls: the bearer header follows the current token (a rotated token is
/// sent from the next call on), and every call has a deadline.</summary>
public sealed class VaultCallCredentialsTests
{
    [Test]
    public void Every_call_carries_the_current_token_as_a_bearer_header_and_a_deadline()
    {
        var token = "first-token";
        var credentials = VaultCallCredentials.FromFunction(() => token, TimeSpan.FromSeconds(5));

        var first = credentials.For(CancellationToken.None);
        var again = credentials.For(CancellationToken.None);
        token = "rotated-token";
        var rotated = credentials.For(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.Headers!.GetValue("authorization"), Is.EqualTo("Bearer first-token"));
            Assert.That(again.Headers!.GetValue("authorization"), Is.EqualTo("Bearer first-token"));
            Assert.That(rotated.Headers!.GetValue("authorization"), Is.EqualTo("Bearer rotated-token"));
            Assert.That(rotated.Deadline, Is.GreaterThan(DateTime.UtcNow).And.LessThanOrEqualTo(DateTime.UtcNow + TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public void A_token_file_is_read_again_when_it_changes()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "file-token-one\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - TimeSpan.FromMinutes(1));
            var credentials = VaultCallCredentials.Create(null, file, TimeSpan.FromSeconds(5));
            var before = credentials.For(CancellationToken.None).Headers!.GetValue("authorization");

            File.WriteAllText(file, "file-token-two\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
            var after = credentials.For(CancellationToken.None).Headers!.GetValue("authorization");

            Assert.Multiple(() =>
            {
                Assert.That(before, Is.EqualTo("Bearer file-token-one"));
                Assert.That(after, Is.EqualTo("Bearer file-token-two"));
            });
        }
        finally
        {
            File.Delete(file);
        }
    }
}
