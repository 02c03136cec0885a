using Sightline.Storage;

namespace Sightline.Live.Tests;

public sealed class CameraDefinitionTests : IDisposable
{
    private readonly string _secrets = Directory.CreateTempSubdirectory("sightline-live-").FullName;
    private static readonly Dictionary<string, string> s_known = new(StringComparer.OrdinalIgnoreCase) { ["Person"] = "person", ["Car"] = "car", ["knife"] = "knife" };

    public void Dispose() => Directory.Delete(_secrets, recursive: true);

    private static SightlineException Refused(Action action)
    {
        var ex = Assert.Throws<SightlineException>(action);
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        return ex;
    }

    [Fact]
    public void Credentials_leave_the_url_sealed_under_the_camera_name_and_come_back_only_to_open_the_stream()
    {
        var secrets = new CameraSecrets(_secrets);
        var settings = CameraDefinitions.Settings(new CameraRequest { Url = "rtsp://admin:p%40ss:w0rd@10.1.2.3:554/Streaming/101?x=1" }, "gate", s_known, secrets);
        Assert.Equal("rtsp://10.1.2.3:554/Streaming/101?x=1", settings.Url);
        Assert.NotNull(settings.SealedCredentials);
        Assert.DoesNotContain("w0rd", settings.SealedCredentials, StringComparison.Ordinal);
        Assert.Equal("rtsp://admin:p%40ss:w0rd@10.1.2.3:554/Streaming/101?x=1", CameraDefinitions.SourceUrl("gate", settings, secrets));
        // Sealed for one camera, the value does not open for another (nor with another data directory's key).
        Assert.Throws<SightlineException>(() => CameraDefinitions.SourceUrl("other", settings, secrets));
        using var elsewhere = new TempSecrets();
        Assert.Throws<SightlineException>(() => CameraDefinitions.SourceUrl("gate", settings, new CameraSecrets(elsewhere.Path)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_secrets, CameraSecrets.KeyFileName)));
    }

    [Fact]
    public void Redaction_hides_user_information_in_any_url_of_a_message()
    {
        Assert.Equal("[rtsp @ 0x5] method DESCRIBE failed: rtsp://***@10.0.0.1/a: 401 Unauthorized http://***@h/x",
            CameraDefinitions.Redact("[rtsp @ 0x5] method DESCRIBE failed: rtsp://user:secret@10.0.0.1/a: 401 Unauthorized http://u@h/x"));
        Assert.Equal("no url here", CameraDefinitions.Redact("no url here"));
    }

    [Fact]
    public void Defaults_labels_zones_and_masks_are_validated_and_normalised()
    {
        var settings = CameraDefinitions.Settings(new CameraRequest
        {
            Url = "http://127.0.0.1:8080/cam.mjpg",
            Labels = ["PERSON, car", "Knife"],
            Zones = CameraDefinitions.ApplyLoiter([CameraDefinitions.ParseZone("gate=0.1,0.1,0.5,0.1,0.5,0.9:person")], ["gate=45"]),
            MotionMasks = [CameraDefinitions.ParseNumbers("0,0,1,0,1,0.1", "--mask")],
            Size = "640x360",
            ReadPlates = true,
        }, "yard", s_known, new CameraSecrets(_secrets));
        Assert.Equal(["person", "car", "knife"], settings.Labels);
        Assert.Equal(5, settings.Fps);
        Assert.Equal((640, 360), (settings.Width, settings.Height));
        Assert.Equal("tcp", settings.RtspTransport);
        var zone = Assert.Single(settings.Zones);
        Assert.Equal(("gate", 3), (zone.Name, zone.Polygon.Count));
        Assert.Equal(["person"], zone.Labels);
        Assert.Equal(45, zone.LoiterSeconds);
        Assert.True(settings.ReadPlates);
        Assert.Equal(new RelativePoint(0.5f, 0.9f), zone.Polygon[2]);
        Assert.Single(settings.MotionMasks);
        Assert.Null(settings.SealedCredentials);
        Assert.Equal(["person"], CameraDefinitions.Settings(new CameraRequest { Url = "rtsp://cam.local/1" }, "a", s_known, new CameraSecrets(_secrets)).Labels);
    }

    [Theory]
    [InlineData("fps", "11")]
    [InlineData("fps", "0")]
    [InlineData("size", "641x360")]
    [InlineData("size", "10000x10")]
    [InlineData("label", "unicorn")]
    [InlineData("zoneLabel", "car")]
    [InlineData("url", "ftp://10.0.0.1/x")]
    [InlineData("url", "rtsp://169.254.169.254/latest")]
    [InlineData("url", "http://[fe80::1]/x")]
    [InlineData("url", "file:///nonexistent/clip.mp4")]
    [InlineData("url", "not a url")]
    [InlineData("transport", "sctp")]
    [InlineData("polygon", "0,0,1,1")]
    [InlineData("polygon", "0,0,1,0,2,1")]
    [InlineData("loiter", "-1")]
    [InlineData("loiter", "3601")]
    [InlineData("plates", "person")]
    public void Bad_settings_are_refused_naming_the_problem(string what, string value)
    {
        var request = new CameraRequest { Url = "rtsp://10.0.0.1/s", Labels = ["person"] };
        request = what switch
        {
            "fps" => request with { Fps = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "size" => request with { Size = value },
            "label" => request with { Labels = [value] },
            "zoneLabel" => request with { Zones = [new ZoneRequest("z", [0, 0, 1, 0, 1, 1], [value])] },
            "url" => request with { Url = value },
            "transport" => request with { RtspTransport = value },
            "loiter" => request with { Zones = [new ZoneRequest("z", [0, 0, 1, 0, 1, 1], [], int.Parse(value, System.Globalization.CultureInfo.InvariantCulture))] },
            "plates" => request with { Labels = [value], ReadPlates = true },
            _ => request with { MotionMasks = [CameraDefinitions.ParseNumbers(value, "--mask")] },
        };
        var ex = Refused(() => CameraDefinitions.Settings(request, "cam", s_known, new CameraSecrets(_secrets)));
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gate")]
    [InlineData("gate=ten")]
    [InlineData("porch=30")]
    public void A_loitering_time_names_a_zone_of_the_same_command_in_whole_seconds(string loiter) =>
        Refused(() => CameraDefinitions.ApplyLoiter([CameraDefinitions.ParseZone("gate=0,0,1,0,1,1")], [loiter]));

    [Theory]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("has space")]
    [InlineData("sl/ash")]
    [InlineData("x123456789012345678901234567890123456789012345678901234567890abcd")]
    public void Camera_names_are_short_and_plain(string name) => Refused(() => CameraDefinitions.Name(name));

    [Fact]
    public void A_refused_url_never_echoes_its_credentials() =>
        Assert.DoesNotContain("hunter2", Refused(() => CameraDefinitions.SplitUrl("gopher://me:hunter2@host/x")).Message, StringComparison.Ordinal);

    private sealed class TempSecrets : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("sightline-live-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
