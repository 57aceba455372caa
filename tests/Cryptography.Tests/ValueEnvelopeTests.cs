using System.Buffers.Binary;
using System.Text;

namespace PrivateInference.Cryptography.Tests;

public sealed class ValueEnvelopeTests
{
    private static readonly byte[] Dek = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] OtherDek = Hex.Bytes("1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
    private static readonly byte[] Aad = ValueAad.For("tenant-a", "7QH2K9MX3A", "PERSON", 7);
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("Jane Q. Sample");

    /// <summary>
    /// Known answers. Expected frames were computed outside this code base (Python <c>cryptography</c> AESGCM over
    /// header ‖ AAD) and are checked again below against .NET's AesGcm (<see cref="Reference"/>).
    /// </summary>
    public static IEnumerable<TestCaseData> KnownAnswers()
    {
        yield return new TestCaseData(
                7u, "cafebabefacedbaddecaf888", Hex.Of(Plaintext), Hex.Of(Aad),
                "01 00000007 cafebabefacedbaddecaf888 c0c2ce438a2b613b156a30ad1778 07ff4f0ad56379aa81d16f56b758b7df")
            .SetName("A_person_value_seals_to_the_pinned_frame");
        yield return new TestCaseData(
                0x01020304u, "000000000000000000000000", "", "",
                "01 01020304 000000000000000000000000 06a816961e367ef00d24fc3e4bb2bbf7")
            .SetName("An_empty_value_with_empty_aad_seals_to_header_nonce_and_tag_with_the_version_big_endian");
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer(uint version, string nonce, string plaintext, string aad, string expected)
    {
        using var dek = SecretKey.Copy(Dek);

        var sealedFrame = ValueEnvelope.Seal(dek, (int)version, Hex.Bytes(plaintext), Hex.Bytes(aad), Hex.Bytes(nonce));

        Assert.That(Hex.Of(sealedFrame), Is.EqualTo(Hex.Of(Hex.Bytes(expected))));
        Assert.That(ValueEnvelope.Open(dek, sealedFrame, Hex.Bytes(aad)), Is.EqualTo(Hex.Bytes(plaintext)));
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer_agrees_with_an_independent_GCM(uint version, string nonce, string plaintext, string aad, string expected)
    {
        var reference = Reference.Envelope(Dek, version, Hex.Bytes(nonce), Hex.Bytes(plaintext), Hex.Bytes(aad));

        Assert.That(Hex.Of(reference), Is.EqualTo(Hex.Of(Hex.Bytes(expected))));
    }

    [Test]
    public void The_reference_GCM_passes_the_GCM_specification_test_case_16()
    {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 96-bit IV, with AAD).
        var ciphertextAndTag = Reference.Gcm(
            Hex.Bytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
            Hex.Bytes("cafebabefacedbaddecaf888"),
            Hex.Bytes("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"),
            Hex.Bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2"));

        Assert.That(Hex.Of(ciphertextAndTag), Is.EqualTo(
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            + "76fc6ece0f4e1768cddf8853bb2d551b"));
    }

    public static IEnumerable<TestCaseData> Sizes()
    {
        foreach (var (plaintext, aad) in new[] { (0, 0), (1, 0), (15, 1), (16, 16), (17, 63), (32, Aad.Length), (256, 251), (257, 252), (4096, 1000) })
        {
            yield return new TestCaseData(plaintext, aad).SetName($"A_{plaintext}_byte_value_with_{aad}_bytes_of_aad_round_trips_and_matches_the_reference");
        }
    }

    [TestCaseSource(nameof(Sizes))]
    public void Round_trip(int plaintextLength, int aadLength)
    {
        var plaintext = Pattern(plaintextLength, 3);
        var aad = Pattern(aadLength, 7);
        var nonce = Pattern(12, 11);
        using var dek = SecretKey.Copy(Dek);

        var frame = ValueEnvelope.Seal(dek, 42, plaintext, aad, nonce);

        Assert.That(frame, Has.Length.EqualTo(plaintextLength + ValueEnvelope.Overhead));
        Assert.That(frame, Is.EqualTo(Reference.Envelope(Dek, 42, nonce, plaintext, aad)));
        Assert.That(ValueEnvelope.Open(dek, frame, aad), Is.EqualTo(plaintext));
    }

    [Test]
    public void Seal_draws_a_fresh_nonce_every_time()
    {
        using var dek = SecretKey.Copy(Dek);

        var a = ValueEnvelope.Seal(dek, 1, Plaintext, Aad);
        var b = ValueEnvelope.Seal(dek, 1, Plaintext, Aad);

        Assert.That(a.AsSpan(5, 12).ToArray(), Is.Not.EqualTo(b.AsSpan(5, 12).ToArray()));
        Assert.That(ValueEnvelope.Open(dek, a, Aad), Is.EqualTo(Plaintext));
        Assert.That(ValueEnvelope.Open(dek, b, Aad), Is.EqualTo(Plaintext));
    }

    [Test]
    public void The_plaintext_does_not_appear_in_the_frame()
    {
        using var dek = SecretKey.Copy(Dek);

        var frame = ValueEnvelope.Seal(dek, 1, Plaintext, Aad);

        Assert.That(Hex.Of(frame), Does.Not.Contain(Hex.Of(Plaintext.AsSpan(0, 4))));
    }

    /// <summary>Every region of a frame: (name, offset, length) for a 14-byte value.</summary>
    public static IEnumerable<TestCaseData> Regions()
    {
        yield return new TestCaseData(0, 1).SetName("Changing_any_bit_of_the_format_byte_fails");
        yield return new TestCaseData(1, 4).SetName("Changing_any_bit_of_the_key_version_fails");
        yield return new TestCaseData(5, 12).SetName("Changing_any_bit_of_the_nonce_fails");
        yield return new TestCaseData(17, 14).SetName("Changing_any_bit_of_the_ciphertext_fails");
        yield return new TestCaseData(31, 16).SetName("Changing_any_bit_of_the_tag_fails");
    }

    [TestCaseSource(nameof(Regions))]
    public void Tamper(int offset, int length)
    {
        using var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);
        Assert.That(frame, Has.Length.EqualTo(47), "the regions above are laid out for a 14-byte value");

        for (var i = offset; i < offset + length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])frame.Clone();
                tampered[i] ^= (byte)(1 << bit);

                Assert.That(() => ValueEnvelope.Open(dek, tampered, Aad), Throws.TypeOf<EnvelopeException>(), $"byte {i}, bit {bit}");
            }
        }
    }

    [Test]
    public void Every_truncation_of_a_frame_fails()
    {
        using var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);

        for (var length = 0; length < frame.Length; length++)
        {
            Assert.That(() => ValueEnvelope.Open(dek, frame.AsSpan(0, length).ToArray(), Aad), Throws.TypeOf<EnvelopeException>(), $"length {length}");
        }
    }

    [Test]
    public void A_frame_with_a_byte_appended_fails()
    {
        using var dek = SecretKey.Copy(Dek);
        byte[] frame = [.. ValueEnvelope.Seal(dek, 7, Plaintext, Aad), 0x00];

        Assert.That(() => ValueEnvelope.Open(dek, frame, Aad), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void Opening_with_the_wrong_key_fails()
    {
        using var dek = SecretKey.Copy(Dek);
        using var other = SecretKey.Copy(OtherDek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);

        Assert.That(() => ValueEnvelope.Open(other, frame, Aad), Throws.TypeOf<EnvelopeException>());
    }

    public static IEnumerable<TestCaseData> WrongAads()
    {
        yield return new TestCaseData(ValueAad.For("tenant-b", "7QH2K9MX3A", "PERSON", 7)).SetName("Opening_under_another_tenant_fails");
        yield return new TestCaseData(ValueAad.For("tenant-a", "7QH2K9MX3B", "PERSON", 7)).SetName("Opening_as_another_token_fails");
        yield return new TestCaseData(ValueAad.For("tenant-a", "7QH2K9MX3A", "PAN", 7)).SetName("Opening_as_another_entity_type_fails");
        yield return new TestCaseData(ValueAad.For("tenant-a", "7QH2K9MX3A", "PERSON", 8)).SetName("Opening_with_another_key_version_in_the_aad_fails");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("Opening_with_empty_aad_fails");
        yield return new TestCaseData(Aad[..^1]).SetName("Opening_with_truncated_aad_fails");
    }

    [TestCaseSource(nameof(WrongAads))]
    public void Wrong_aad(byte[] wrongAad)
    {
        using var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);

        Assert.That(() => ValueEnvelope.Open(dek, frame, wrongAad), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void Swapping_the_key_version_fails_even_with_the_right_key_and_aad()
    {
        using var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, 1, Plaintext, Aad);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), 2);

        Assert.That(ValueEnvelope.ReadKeyVersion(frame), Is.EqualTo(2));
        Assert.That(() => ValueEnvelope.Open(dek, frame, Aad), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void Swapping_the_key_version_fails_when_the_reader_trusts_it_for_key_and_aad()
    {
        using var v1 = SecretKey.Copy(Dek);
        using var v2 = SecretKey.Copy(OtherDek);
        var frame = ValueEnvelope.Seal(v1, 1, Plaintext, ValueAad.For("tenant-a", "7QH2K9MX3A", "PERSON", 1));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), 2);

        var version = ValueEnvelope.ReadKeyVersion(frame);

        Assert.That(() => ValueEnvelope.Open(v2, frame, ValueAad.For("tenant-a", "7QH2K9MX3A", "PERSON", version)), Throws.TypeOf<EnvelopeException>());
        Assert.That(() => ValueEnvelope.Open(v1, frame, ValueAad.For("tenant-a", "7QH2K9MX3A", "PERSON", version)), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void An_unknown_format_byte_fails_before_decryption()
    {
        using var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);
        frame[0] = 0x02;

        Assert.That(ValueEnvelope.ReadFormat(frame), Is.EqualTo(0x02));
        Assert.That(() => ValueEnvelope.ReadKeyVersion(frame), Throws.TypeOf<EnvelopeException>());
        Assert.That(() => ValueEnvelope.Open(dek, frame, Aad), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void Header_readers_return_format_and_version()
    {
        using var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, int.MaxValue, Plaintext, Aad);

        Assert.That(ValueEnvelope.ReadFormat(frame), Is.EqualTo(ValueEnvelope.FormatV1));
        Assert.That(ValueEnvelope.ReadKeyVersion(frame), Is.EqualTo(int.MaxValue));
    }

    [Test]
    public void A_version_above_int_max_is_malformed()
    {
        var frame = new byte[ValueEnvelope.Overhead];
        frame[0] = ValueEnvelope.FormatV1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), 0x8000_0000);

        Assert.That(() => ValueEnvelope.ReadKeyVersion(frame), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void Header_readers_reject_short_frames()
    {
        Assert.That(() => ValueEnvelope.ReadFormat([]), Throws.TypeOf<EnvelopeException>());
        Assert.That(() => ValueEnvelope.ReadKeyVersion(new byte[ValueEnvelope.Overhead - 1]), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void Every_failure_has_the_same_fixed_message_without_data()
    {
        using var dek = SecretKey.Copy(Dek);
        using var other = SecretKey.Copy(OtherDek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);
        var unknownFormat = (byte[])frame.Clone();
        unknownFormat[0] = 0x09;

        var messages = new[]
        {
            Assert.Throws<EnvelopeException>(() => ValueEnvelope.Open(dek, frame.AsSpan(0, 10).ToArray(), Aad))!.Message,
            Assert.Throws<EnvelopeException>(() => ValueEnvelope.Open(dek, unknownFormat, Aad))!.Message,
            Assert.Throws<EnvelopeException>(() => ValueEnvelope.Open(other, frame, Aad))!.Message,
            Assert.Throws<EnvelopeException>(() => ValueEnvelope.Open(dek, frame, [.. Aad, 1]))!.Message,
        };

        Assert.That(messages, Is.All.EqualTo("The value envelope is malformed or failed authentication."));
        Assert.That(Assert.Throws<EnvelopeException>(() => ValueEnvelope.Open(other, frame, Aad))!.InnerException, Is.Null);
    }

    [Test]
    public void A_failed_open_leaves_no_plaintext_behind_in_the_exception()
    {
        using var dek = SecretKey.Copy(Dek);
        using var other = SecretKey.Copy(OtherDek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);

        var e = Assert.Throws<EnvelopeException>(() => ValueEnvelope.Open(other, frame, Aad))!;

        Assert.That(e.ToString(), Does.Not.Contain("Jane").And.Not.Contain("tenant-a"));
        Assert.That(e.Data, Is.Empty);
    }

    public static IEnumerable<TestCaseData> BadArguments()
    {
        yield return new TestCaseData(new TestDelegate(() => ValueEnvelope.Seal(SecretKey.Generate(16), 1, Plaintext, Aad))).SetName("Sealing_with_an_AES_128_key_is_refused");
        yield return new TestCaseData(new TestDelegate(() => ValueEnvelope.Open(SecretKey.Generate(16), new byte[40], Aad))).SetName("Opening_with_an_AES_128_key_is_refused");
        yield return new TestCaseData(new TestDelegate(() => ValueEnvelope.Seal(SecretKey.Generate(), -1, Plaintext, Aad))).SetName("A_negative_key_version_is_refused");
        yield return new TestCaseData(new TestDelegate(() => ValueEnvelope.Seal(SecretKey.Generate(), 1, Plaintext, Aad, new byte[16]))).SetName("A_nonce_other_than_12_bytes_is_refused");
        yield return new TestCaseData(new TestDelegate(() => ValueEnvelope.Seal(null!, 1, Plaintext, Aad))).SetName("Sealing_without_a_key_is_refused");
    }

    [TestCaseSource(nameof(BadArguments))]
    public void Bad_argument(TestDelegate call) => Assert.That(call, Throws.InstanceOf<ArgumentException>());

    [Test]
    public void Opening_with_a_disposed_key_throws_ObjectDisposedException()
    {
        var dek = SecretKey.Copy(Dek);
        var frame = ValueEnvelope.Seal(dek, 7, Plaintext, Aad);
        dek.Dispose();

        Assert.That(() => ValueEnvelope.Open(dek, frame, Aad), Throws.TypeOf<ObjectDisposedException>());
    }

    private static byte[] Pattern(int length, int step)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * step) + 1);
        }

        return bytes;
    }
}
