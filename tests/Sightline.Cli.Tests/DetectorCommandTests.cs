using System.Security.Cryptography;
using System.Text;
using Sightline.Detectors.Tests;

namespace Sightline.Cli.Tests;

/// <summary><c>sightline detectors …</c> and <c>sightline alerts …</c> on a local data directory.</summary>
[Collection(CliCollection.Name)]
public sealed class DetectorCommandTests
{
    [Fact]
    public void Detectors_register_list_detect_and_remove_with_rejections_as_bad_input()
    {
        using var dir = new TempDir();
        string model = Path.Combine(dir.Path, "weapons.onnx");
        File.WriteAllBytes(model, TinyModels.YoloV8(true));
        string labels = dir.Write("labels.txt", "gun\nknife\n");
        string wrongLabels = dir.Write("three.txt", "gun\nknife\nrifle\n");
        string corrupt = dir.Write("corrupt.onnx", "not a model");
        string image = Path.Combine(dir.Path, "scene.png");
        File.WriteAllBytes(image, CustomDetectorTests.Png());
        string data = Path.Combine(dir.Path, "data");

        var mismatch = SightlineCli.Run("detectors", "register", "weapons", "--model", model, "--labels", wrongLabels, "--data", data);
        Assert.True(mismatch.ExitCode == 2 && mismatch.Stderr.Contains("Class count", StringComparison.Ordinal), mismatch.ToString());
        var broken = SightlineCli.Run("detectors", "register", "weapons", "--model", corrupt, "--labels", labels, "--data", data);
        Assert.True(broken.ExitCode == 2 && broken.Stderr.Contains("ONNX", StringComparison.Ordinal), broken.ToString());

        var registered = SightlineCli.Run("detectors", "register", "weapons", "--model", model, "--labels", labels, "--layout", "auto", "--json", "--data", data).Json();
        Assert.Equal("yolov8", registered.GetProperty("layout").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model))), registered.GetProperty("sha256").GetString());
        Assert.Single(Directory.GetFiles(data, "weapons*.onnx", SearchOption.AllDirectories)); // the model, or this server's copy of it
        var listed = SightlineCli.Run("detectors", "list", "--json", "--data", data).Json();
        Assert.Equal("weapons", listed[0].GetProperty("id").GetString());

        var detected = SightlineCli.Run("detectors", "detect", "weapons", image, "--min-confidence", "75", "--json", "--data", data).Json();
        var gun = Assert.Single(detected.GetProperty("CustomLabels").EnumerateArray());
        Assert.Equal("gun", gun.GetProperty("Name").GetString());
        Assert.Equal(0.375, gun.GetProperty("Geometry").GetProperty("BoundingBox").GetProperty("Left").GetDouble(), 3);

        var removed = SightlineCli.Run("detectors", "remove", "weapons", "--data", data);
        Assert.Equal(0, removed.ExitCode);
        Assert.Empty(Directory.GetFiles(data, "weapons*.onnx", SearchOption.AllDirectories));
        Assert.Equal(2, SightlineCli.Run("detectors", "detect", "weapons", image, "--data", data).ExitCode);
    }

    [Fact]
    public void Alert_rules_are_validated_listed_without_secrets_and_fire_from_a_cli_detection()
    {
        using var dir = new TempDir();
        using var receiver = new WebhookReceiver();
        string data = Path.Combine(dir.Path, "data");
        string model = Path.Combine(dir.Path, "weapons.onnx");
        File.WriteAllBytes(model, TinyModels.YoloV5());
        string image = Path.Combine(dir.Path, "scene.png");
        File.WriteAllBytes(image, CustomDetectorTests.Png());

        var badScheme = SightlineCli.Run("alerts", "rules", "add", "--label", "gun", "--min-confidence", "50", "--webhook", "ftp://example.org/x", "--data", data);
        Assert.True(badScheme.ExitCode == 2 && badScheme.Stderr.Contains("webhook", StringComparison.Ordinal), badScheme.ToString());
        var badRegion = SightlineCli.Run("alerts", "rules", "add", "--label", "gun", "--min-confidence", "50", "--region", "0.5,0.5,0.9,0.1", "--webhook", receiver.Url, "--data", data);
        Assert.True(badRegion.ExitCode == 2 && badRegion.Stderr.Contains("region", StringComparison.Ordinal), badRegion.ToString());

        var rule = SightlineCli.Run("alerts", "rules", "add", "--label", "gun", "--min-confidence", "80", "--region", "0.25,0.25,0.5,0.5", "--webhook", receiver.Url, "--json", "--data", data).Json();
        string secret = rule.GetProperty("secret").GetString()!, ruleId = rule.GetProperty("id").GetString()!;
        var rules = SightlineCli.Run("alerts", "rules", "list", "--json", "--data", data);
        Assert.Contains(ruleId, rules.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, rules.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, SightlineCli.Run("detectors", "register", "weapons", "--model", model, "--labels", dir.Write("labels.txt", "gun\nknife"), "--data", data).ExitCode);
        var detect = SightlineCli.Run("detectors", "detect", "weapons", image, "--data", data);
        Assert.Equal(0, detect.ExitCode);
        var (body, signature, _) = Assert.Single(receiver.Received);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)), signature);
        var alerts = SightlineCli.Run("alerts", "list", "--json", "--data", data).Json();
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal(("delivered", ruleId, "gun"), (alert.GetProperty("status").GetString(), alert.GetProperty("ruleId").GetString(), alert.GetProperty("label").GetString()));

        Assert.Equal(0, SightlineCli.Run("alerts", "rules", "remove", ruleId, "--data", data).ExitCode);
        Assert.Equal(2, SightlineCli.Run("alerts", "rules", "remove", ruleId, "--data", data).ExitCode);
        Assert.Equal("[]", SightlineCli.Run("alerts", "rules", "list", "--json", "--data", data).Stdout.Trim());
    }
}
