using System.Text;
using Sightline.Storage;
using Sightline.Storage.Sqlite;
using Sightline.Tests;

namespace Sightline.Access.Tests;

public sealed class SigV4Tests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;

    private static readonly AuditEntry s_audit = new("tester", "admin", "keys");

    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-access-").FullName;

    private TestCore? _core;

    private TestCore Core => _core ??= new TestCore(_dir);

    public void Dispose()
    {
        _core?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Matches_the_aws_get_vanilla_test_vector()
    {
        // AWS's published SigV4 test suite, case "get-vanilla".
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };
        var request = new SignableRequest("GET", "/", null, headers, ReadOnlyMemory<byte>.Empty);
        string canonical = SigV4.CanonicalRequest(request, ["host", "x-amz-date"], SigV4.PayloadHash([]));
        string toSign = SigV4.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
        var key = SigV4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SigV4.Signature(key, toSign));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/a/./b/../c", "/a/c")]
    [InlineData("/v1/collections/my%20faces", "/v1/collections/my%2520faces")]
    public void Paths_are_normalised_and_encoded_again(string raw, string canonical) => Assert.Equal(canonical, SigV4.CanonicalPath(raw));

    [Fact]
    public void Query_strings_are_sorted_and_encoded() =>
        Assert.Equal("a=1&b=x%20y&b=z", SigV4.CanonicalQuery("b=z&a=1&b=x+y"));

    private (AccessKeys Keys, SigV4Verifier Verifier, FixedTime Time) Setup()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var keys = new AccessKeys(Core.Get<IAccessKeyStore>(), Path.Combine(_dir, "secrets"), time);
        return (keys, new SigV4Verifier(keys, "rekognition", time), time);
    }

    private static SignableRequest Signed(IssuedKey key, string body, DateTimeOffset at, string? secret = null)
    {
        var headers = new Dictionary<string, string> { ["host"] = "127.0.0.1:8080", ["x-amz-target"] = "RekognitionService.ListCollections" };
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new SignableRequest("POST", "/", null, headers, bytes);
        var added = SigV4.Sign(request, key.AccessKeyId, secret ?? key.SecretAccessKey, "us-east-1", "rekognition", at);
        return request with { Headers = headers.Concat(added).ToDictionary() };
    }

    [Fact]
    public async Task Verifies_its_own_keys_and_refuses_tampering_skew_and_revocation()
    {
        var (keys, verifier, time) = Setup();
        var key = await keys.CreateAsync(s_audit, Roles.Analyst, "2026-041", "investigation", null, Ct);
        var principal = await verifier.VerifyAsync(Signed(key, "{}", time.Now), Ct);
        Assert.Equal(new Principal(key.AccessKeyId, Roles.Analyst, "2026-041", "investigation"), principal);

        var tampered = Signed(key, "{}", time.Now) with { Body = Encoding.UTF8.GetBytes("{\"MaxResults\":1}") };
        Assert.Equal(ErrorKind.InvalidSignature, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(tampered, Ct))).Kind);
        Assert.Equal(ErrorKind.InvalidSignature, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(Signed(key, "{}", time.Now, secret: "not-the-secret"), Ct))).Kind);
        Assert.Equal(ErrorKind.InvalidSignature, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(Signed(key, "{}", time.Now.AddMinutes(-6)), Ct))).Kind);
        Assert.Equal(ErrorKind.InvalidSignature, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(Signed(key, "{}", time.Now.AddMinutes(6)), Ct))).Kind);
        await verifier.VerifyAsync(Signed(key, "{}", time.Now.AddMinutes(-4)), Ct);

        var unsigned = new SignableRequest("POST", "/", null, new Dictionary<string, string> { ["host"] = "h" }, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(ErrorKind.MissingAuthentication, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(unsigned, Ct))).Kind);
        var garbled = unsigned with { Headers = new Dictionary<string, string> { ["authorization"] = "AWS4-HMAC-SHA256 Credential=x" } };
        Assert.Equal(ErrorKind.IncompleteSignature, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(garbled, Ct))).Kind);

        Assert.True(await keys.RevokeAsync(s_audit, key.AccessKeyId, Ct));
        Assert.Equal(ErrorKind.UnrecognizedClient, (await Assert.ThrowsAsync<SightlineException>(async () => await verifier.VerifyAsync(Signed(key, "{}", time.Now), Ct))).Kind);
    }

    [Fact]
    public async Task Secrets_are_not_stored_and_bearer_tokens_check_the_hash()
    {
        var (keys, _, _) = Setup();
        var key = await keys.CreateAsync(s_audit, Roles.Operator, null, null, null, Ct);
        var stored = Assert.Single(await keys.ListAsync(Ct));
        string everythingStored = TestDatabase.IsPostgres
            ? TestDatabase.Scalar(_dir, "", "SELECT string_agg(t::text, ' ') FROM access_keys t;") as string ?? ""
            : File.ReadAllText(Path.Combine(_dir, SqliteCollectionStore.FileName), Encoding.Latin1);
        Assert.DoesNotContain(key.SecretAccessKey, everythingStored, StringComparison.Ordinal);
        Assert.Equal(32, stored.SecretHash.Length);
        Assert.Equal(Roles.Operator, (await keys.AuthenticateBearerAsync($"{key.AccessKeyId}:{key.SecretAccessKey}", Ct)).Role);
        Assert.Equal(ErrorKind.UnrecognizedClient, (await Assert.ThrowsAsync<SightlineException>(async () => await keys.AuthenticateBearerAsync($"{key.AccessKeyId}:wrong", Ct))).Kind);
        await Assert.ThrowsAsync<SightlineException>(async () => await keys.CreateAsync(s_audit, "superuser", null, null, null, Ct));

        // Another master key cannot vouch for these keys: a clear error, not a silent refusal.
        File.WriteAllBytes(Path.Combine(_dir, "other.key"), new byte[32]);
        Directory.CreateDirectory(Path.Combine(_dir, "other"));
        File.Move(Path.Combine(_dir, "other.key"), Path.Combine(_dir, "other", AccessKeys.MasterKeyFileName));
        var wrongMaster = new AccessKeys(Core.Get<IAccessKeyStore>(), Path.Combine(_dir, "other"));
        Assert.Equal(ErrorKind.Internal, (await Assert.ThrowsAsync<SightlineException>(async () => await wrongMaster.ResolveAsync(key.AccessKeyId, Ct))).Kind);
    }

    [Fact]
    public void Roles_decide_capabilities()
    {
        Assert.True(Roles.Allows(Roles.Admin, Capability.Administer));
        Assert.True(Roles.Allows(Roles.Analyst, Capability.Search));
        Assert.False(Roles.Allows(Roles.Analyst, Capability.Index));
        Assert.True(Roles.Allows(Roles.Operator, Capability.Index));
        Assert.False(Roles.Allows(Roles.Operator, Capability.Search));
        Assert.False(Roles.Allows(Roles.Auditor, Capability.Detect));
        Assert.True(Roles.Allows(Roles.Auditor, Capability.Audit));
        Assert.True(Roles.Allows(Roles.Operator, Capability.Respond));
        Assert.False(Roles.Allows(Roles.Auditor, Capability.Respond) || Roles.Allows(Roles.Reviewer, Capability.Respond) || Roles.Allows(Roles.Analyst, Capability.Respond));
        Assert.Equal(ErrorKind.AccessDenied, Assert.Throws<SightlineException>(() => Roles.Demand("SLX", Roles.Auditor, Capability.Search, "SearchFaces")).Kind);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
