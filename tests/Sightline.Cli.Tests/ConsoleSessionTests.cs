using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>
/// The console's sessions over HTTP on a real server: a key and secret exchanged for an HttpOnly, SameSite=Strict
/// cookie that stands for the key on the API (CSRF token required to change anything); wrong secrets, forged,
/// signed-out and expired cookies and revoked keys refused; sign-in, its failures and sign-out in the audit chain.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ConsoleSessionTests
{
    private static HttpClient Browser(ServerProcess server) =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server.Address };

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> SignInAsync(HttpClient browser, string id, string secret)
    {
        var response = await browser.PostAsJsonAsync("ui/session", new { accessKeyId = id, secret });
        string text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Fact]
    public async Task A_session_cookie_stands_for_its_key_needs_its_csrf_token_to_change_anything_and_ends_on_sign_out()
    {
        await using var server = await ServerProcess.StartAsync();
        var (id, secret) = server.Keys["admin"];

        using var stranger = Browser(server);
        var (wrong, problem) = await SignInAsync(stranger, id, secret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("wrong", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(stranger, "", secret)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("ui/session")).StatusCode);

        using var browser = Browser(server);
        var (signedIn, session) = await SignInAsync(browser, id, secret);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        string cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("sightline_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, cookie, StringComparison.Ordinal);
        Assert.Equal((id, "admin"), (session.GetProperty("accessKeyId").GetString(), session.GetProperty("role").GetString()));
        Assert.Contains("administer", session.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.InRange(session.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(7.9), DateTimeOffset.UtcNow.AddHours(8.1));
        string csrf = session.GetProperty("csrfToken").GetString()!;

        // The cookie is the key on the API: reads pass; a change needs the CSRF token, and is audited under the key.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("v1/collections")).StatusCode);
        var noToken = await browser.PostAsJsonAsync("v1/collections", new { collectionId = "console-made" });
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Contains("X-CSRF-Token", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var withToken = new HttpRequestMessage(HttpMethod.Post, "v1/collections") { Content = JsonContent.Create(new { collectionId = "console-made" }) })
        {
            withToken.Headers.Add("X-CSRF-Token", csrf);
            Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(withToken)).StatusCode);
        }
        var again = await browser.GetFromJsonAsync<JsonElement>("ui/session");
        Assert.Equal(csrf, again.GetProperty("csrfToken").GetString());

        // A forged cookie is nobody.
        using (var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "v1/collections")))
        {
            forged.Headers.Add("Cookie", "sightline_session=" + new string('A', 43));
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.SendAsync(forged)).StatusCode);
        }

        // Signing out needs the token too, ends the session for good and clears the cookie.
        string token = cookie["sightline_session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.DeleteAsync("ui/session")).StatusCode);
        using (var signOut = new HttpRequestMessage(HttpMethod.Delete, "ui/session"))
        {
            signOut.Headers.Add("X-CSRF-Token", csrf);
            var ended = await browser.SendAsync(signOut);
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
            Assert.Contains("expires=Thu, 01 Jan 1970", ended.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        }
        using (var replayed = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "v1/collections")))
        {
            replayed.Headers.Add("Cookie", "sightline_session=" + token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.SendAsync(replayed)).StatusCode);
        }

        // A session of a key that is revoked ends with it.
        using var auditor = Browser(server);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(auditor, server.Keys["auditor"].Id, server.Keys["auditor"].Secret)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("v1/collections")).StatusCode);
        Assert.Equal(0, SightlineCli.Run("keys", "revoke", server.Keys["auditor"].Id, "--data", server.Data.Path).ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await auditor.GetAsync("v1/collections")).StatusCode);

        // A session past its expiry is refused, though its cookie is still sent (a browser whose clock is wrong, a stolen copy).
        using var operatorBrowser = Browser(server);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(operatorBrowser, server.Keys["operator"].Id, server.Keys["operator"].Secret)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorBrowser.GetAsync("v1/cameras")).StatusCode);
        Assert.Equal(1, ExpireSessions(server, server.Keys["operator"].Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await operatorBrowser.GetAsync("v1/cameras")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await operatorBrowser.GetAsync("ui/session")).StatusCode);

        var audit = SightlineCli.Run("audit", "list", "--json", "--data", server.Data.Path).Json().EnumerateArray().ToList();
        bool Has(string operation, string outcome) => audit.Any(r => r.GetProperty("operation").GetString() == operation && r.GetProperty("actor").GetString() == id
            && (outcome == "ok") == (r.GetProperty("outcome").GetString() == "ok"));
        Assert.True(Has("SignIn", "failed") && Has("SignIn", "ok") && Has("SignOut", "ok") && Has("CreateCollection", "ok"), string.Join('\n', audit));
        Assert.Equal(0, SightlineCli.Run("audit", "verify", "--data", server.Data.Path).ExitCode);
    }

    /// <summary>Moves the key's sessions' expiry into the past, in whichever database the server runs on.</summary>
    private static int ExpireSessions(ServerProcess server, string accessKeyId)
    {
        long past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        if (Sightline.Tests.TestDatabase.For(server.Data.Path) is { } postgres)
        {
            using var pg = new Npgsql.NpgsqlConnection(postgres);
            pg.Open();
            using var update = new Npgsql.NpgsqlCommand("UPDATE web_sessions SET expires_at = @past WHERE access_key_id = @key;", pg);
            update.Parameters.AddWithValue("past", past);
            update.Parameters.AddWithValue("key", accessKeyId);
            return update.ExecuteNonQuery();
        }
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.Data.Path, Storage.Sqlite.SqliteCollectionStore.FileName)};Pooling=False");
        db.Open();
        using var expire = db.CreateCommand();
        expire.CommandText = "PRAGMA busy_timeout = 10000; UPDATE web_sessions SET expires_at = $past WHERE access_key_id = $key;";
        expire.Parameters.AddWithValue("$past", past);
        expire.Parameters.AddWithValue("$key", accessKeyId);
        return expire.ExecuteNonQuery();
    }
}
