using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>What every <see cref="IKekProvider"/> must do, whatever holds its keys: the local provider runs it
/// here, the PKCS#11 provider against SoftHSM2 in the integration tests (which link this file).</summary>
public abstract class KekProviderContract
{
    private static readonly byte[] Aad = "tenant-a|dek|v1"u8.ToArray();

    /// <summary>The provider under test, open for the whole test.</summary>
    protected abstract IKekProvider Provider { get; }

    /// <summary>A KEK name no other test of the run uses.</summary>
    protected abstract string NewName();

    [Test]
    public void Wrap_then_unwrap_round_trips_a_32_byte_key()
    {
        KekId kek = NewKek();
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = Provider.Wrap(kek, dataKey, Aad);

        Assert.That(wrapped, Has.Length.EqualTo(12 + 32 + 16));
        Assert.That(CryptographicOperations.FixedTimeEquals(Provider.Unwrap(kek, wrapped, Aad), dataKey), Is.True);
    }

    [Test]
    public void Wrapping_the_same_key_twice_uses_a_fresh_iv()
    {
        KekId kek = NewKek();
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] first = Provider.Wrap(kek, dataKey, Aad);
        byte[] second = Provider.Wrap(kek, dataKey, Aad);

        Assert.That(first.AsSpan(0, 12).SequenceEqual(second.AsSpan(0, 12)), Is.False);
        Assert.That(first.AsSpan(12).SequenceEqual(second.AsSpan(12)), Is.False);
    }

    [Test]
    public void Unwrap_with_different_aad_fails_the_integrity_check()
    {
        KekId kek = NewKek();
        byte[] wrapped = Provider.Wrap(kek, RandomNumberGenerator.GetBytes(32), Aad);

        AssertFails(() => Provider.Unwrap(kek, wrapped, "tenant-b|dek|v1"u8), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [TestCase(0, TestName = "Unwrap_of_a_tampered_iv_fails_the_integrity_check")]
    [TestCase(12, TestName = "Unwrap_of_tampered_ciphertext_fails_the_integrity_check")]
    [TestCase(59, TestName = "Unwrap_of_a_tampered_tag_fails_the_integrity_check")]
    public void Unwrap_of_tampered_bytes_fails_the_integrity_check(int position)
    {
        KekId kek = NewKek();
        byte[] wrapped = Provider.Wrap(kek, RandomNumberGenerator.GetBytes(32), Aad);
        wrapped[position] ^= 0x01;

        AssertFails(() => Provider.Unwrap(kek, wrapped, Aad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void Unwrap_of_a_truncated_value_fails_the_integrity_check()
    {
        KekId kek = NewKek();
        byte[] wrapped = Provider.Wrap(kek, RandomNumberGenerator.GetBytes(32), Aad);

        AssertFails(() => Provider.Unwrap(kek, wrapped.AsSpan(0, 20), Aad), KeyUnavailableReason.IntegrityCheckFailed);
        AssertFails(() => Provider.Unwrap(kek, wrapped.AsSpan(0, 40), Aad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void Unwrap_under_another_kek_fails_the_integrity_check()
    {
        KekId kek = NewKek();
        KekId other = NewKek();
        byte[] wrapped = Provider.Wrap(kek, RandomNumberGenerator.GetBytes(32), Aad);

        AssertFails(() => Provider.Unwrap(other, wrapped, Aad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void A_data_key_sealed_under_the_customers_known_key_does_not_open_under_a_generated_kek()
    {
        AssertFails(() => Provider.Unwrap(NewKek(), Customer.KnownWrappedDataKey, Customer.KnownAad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void A_kek_that_does_not_exist_is_not_found_and_the_message_does_not_name_it()
    {
        var missing = new KekId(NewName(), 1);

        var ensure = Assert.Throws<KeyUnavailableException>(() => Provider.EnsureKey(missing, create: false));

        Assert.That(ensure!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
        Assert.That(ensure.KekId, Is.EqualTo(missing));
        Assert.That(ensure.Message, Does.Not.Contain(missing.Name));
        AssertFails(() => Provider.Wrap(missing, new byte[32], Aad), KeyUnavailableReason.NotFound);
        AssertFails(() => Provider.Describe(missing), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Ensure_key_creates_a_missing_kek_once_and_then_reuses_it()
    {
        var kek = new KekId(NewName(), 1);
        Provider.EnsureKey(kek, create: true);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = Provider.Wrap(kek, dataKey, Aad);

        Provider.EnsureKey(kek, create: true);

        Assert.That(CryptographicOperations.FixedTimeEquals(Provider.Unwrap(kek, wrapped, Aad), dataKey), Is.True);
    }

    [Test]
    public void Create_generates_an_enabled_aes_256_kek_and_a_second_create_is_already_exists()
    {
        KekId kek = NewKek();

        KekInfo info = Provider.Describe(kek);

        Assert.That((info.Id, info.State, info.Origin, info.KeyLengthBytes), Is.EqualTo((kek, KekState.Enabled, KekOrigin.Generated, (int?)32)));
        AssertFails(() => Provider.Create(kek), KeyUnavailableReason.AlreadyExists);
    }

    [Test]
    public void List_returns_every_version_of_the_name_in_order_destroyed_ones_included()
    {
        string name = NewName();
        Provider.Create(new KekId(name, 3));
        Provider.Create(new KekId(name, 1));
        Provider.Create(new KekId(name, 2));
        Provider.Create(new KekId(name + "-other", 1));
        Provider.Create(new KekId(name + ".v1", 1));
        Provider.Destroy(new KekId(name, 2));

        IReadOnlyList<KekInfo> versions = Provider.List(name);

        Assert.That(versions.Select(v => v.Id.Version), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(versions.Select(v => v.State), Is.EqualTo(new[] { KekState.Enabled, KekState.Destroyed, KekState.Enabled }));
        Assert.That(Provider.List(NewName()), Is.Empty);
    }

    [Test]
    public void A_disabled_kek_refuses_wrap_and_unwrap_until_it_is_enabled_again()
    {
        KekId kek = NewKek();
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = Provider.Wrap(kek, dataKey, Aad);

        Provider.Disable(kek);

        Assert.Multiple(() =>
        {
            AssertFails(() => Provider.Wrap(kek, dataKey, Aad), KeyUnavailableReason.Disabled);
            AssertFails(() => Provider.Unwrap(kek, wrapped, Aad), KeyUnavailableReason.Disabled);
            AssertFails(() => Provider.EnsureKey(kek, create: true), KeyUnavailableReason.Disabled);
            AssertFails(() => Provider.Create(kek), KeyUnavailableReason.AlreadyExists);
            Assert.That(Provider.Describe(kek).State, Is.EqualTo(KekState.Disabled));
        });

        Provider.Enable(kek);

        Assert.That(CryptographicOperations.FixedTimeEquals(Provider.Unwrap(kek, wrapped, Aad), dataKey), Is.True);
        Assert.That(Provider.Describe(kek).State, Is.EqualTo(KekState.Enabled));
    }

    [Test]
    public void Disable_and_enable_are_idempotent_and_unknown_keks_are_not_found()
    {
        KekId kek = NewKek();

        Provider.Disable(kek);
        Provider.Disable(kek);
        Assert.That(Provider.Describe(kek).State, Is.EqualTo(KekState.Disabled));
        Provider.Enable(kek);
        Provider.Enable(kek);
        Assert.That(Provider.Describe(kek).State, Is.EqualTo(KekState.Enabled));

        AssertFails(() => Provider.Disable(new KekId(NewName(), 1)), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void A_destroyed_kek_reads_as_destroyed_everywhere_and_is_never_created_again()
    {
        KekId kek = NewKek();
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = Provider.Wrap(kek, dataKey, Aad);

        Provider.Destroy(kek);

        Assert.Multiple(() =>
        {
            AssertFails(() => Provider.Unwrap(kek, wrapped, Aad), KeyUnavailableReason.Destroyed);
            AssertFails(() => Provider.Wrap(kek, dataKey, Aad), KeyUnavailableReason.Destroyed);
            AssertFails(() => Provider.EnsureKey(kek, create: true), KeyUnavailableReason.Destroyed);
            AssertFails(() => Provider.Create(kek), KeyUnavailableReason.Destroyed);
            AssertFails(() => Provider.Disable(kek), KeyUnavailableReason.Destroyed);
            AssertFails(() => Provider.Enable(kek), KeyUnavailableReason.Destroyed);
            Assert.That(Provider.Describe(kek), Is.EqualTo(KekInfo.DestroyedVersion(kek)));
        });
    }

    [Test]
    public void Destroy_is_idempotent_and_destroy_of_an_unknown_kek_is_not_found()
    {
        KekId kek = NewKek();
        Provider.Disable(kek);

        Provider.Destroy(kek);
        Provider.Destroy(kek);

        Assert.That(Provider.Describe(kek).State, Is.EqualTo(KekState.Destroyed));
        AssertFails(() => Provider.Destroy(new KekId(NewName(), 1)), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Concurrent_wraps_and_unwraps_all_round_trip()
    {
        KekId kek = NewKek();
        var failures = 0;

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            byte[] dataKey = RandomNumberGenerator.GetBytes(32);
            byte[] aad = BitConverter.GetBytes(i);
            if (!CryptographicOperations.FixedTimeEquals(Provider.Unwrap(kek, Provider.Wrap(kek, dataKey, aad), aad), dataKey))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.That(failures, Is.EqualTo(0));
    }

    [Test]
    public void Rotating_the_audit_signing_key_adds_a_version_that_signs_and_leaves_the_older_ones_verify_only()
    {
        byte[] message = "pi.audit.checkpoint.v1 contract"u8.ToArray();
        IReadOnlyList<AuditSigningKey> before = Provider.GetAuditSigningKeys();
        int newest = before[^1].Version;
        Assert.That(Hex(Provider.GetAuditSigningKeys()), Is.EqualTo(Hex(before)), "listing makes no new version");
        Assert.That(VerifiesUnder(before[^1], message, Provider.SignAuditCheckpoint(newest, message)), Is.True);

        int rotated = Provider.RotateAuditSigningKey();

        IReadOnlyList<AuditSigningKey> after = Provider.GetAuditSigningKeys();
        Assert.That(rotated, Is.EqualTo(newest + 1));
        Assert.That(after.Select(k => k.Version), Is.EqualTo(before.Select(k => k.Version).Append(rotated)));
        Assert.That(Hex(after.Take(before.Count)), Is.EqualTo(Hex(before)), "the older public halves stay, unchanged");
        byte[] signature = Provider.SignAuditCheckpoint(rotated, message);
        Assert.That((VerifiesUnder(after[^1], message, signature), VerifiesUnder(before[^1], message, signature)), Is.EqualTo((true, false)));
        AssertFails(() => Provider.SignAuditCheckpoint(newest, message), KeyUnavailableReason.NotFound);
        AssertFails(() => Provider.SignAuditCheckpoint(rotated + 1, message), KeyUnavailableReason.NotFound);
    }

    private static string[] Hex(IEnumerable<AuditSigningKey> keys) => keys.Select(k => $"v{k.Version}:{Convert.ToHexString(k.PublicKey)}").ToArray();

    private static bool VerifiesUnder(AuditSigningKey key, byte[] message, byte[] signature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        return ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    protected static void AssertFails(TestDelegate action, KeyUnavailableReason reason)
    {
        var e = Assert.Throws<KeyUnavailableException>(action);
        Assert.That(e!.Reason, Is.EqualTo(reason));
    }

    /// <summary>A new version 1 KEK, created.</summary>
    protected KekId NewKek()
    {
        var kek = new KekId(NewName(), 1);
        Provider.Create(kek);
        return kek;
    }
}
