namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static CameraRecord Camera(string name) => new(name, new CameraSettings
    {
        Url = "rtsp://10.0.0.7:554/stream1",
        SealedCredentials = "aesgcm:v1:AAAA",
        RtspTransport = "udp",
        Fps = 2.5,
        Width = 640,
        Height = 360,
        Labels = ["person", "car", "knife"],
        Zones = [new CameraZone("gate", [new(0.1f, 0.2f), new(0.9f, 0.2f), new(0.5f, 0.9f)], ["person"]) { LoiterSeconds = 30 }],
        MotionMasks = [[new(0, 0), new(1, 0), new(1, 0.1f)]],
        ReadPlates = true,
    }, "admin", T0, T0);

    private static CameraStatus Status(string camera, string state) =>
        new(camera, state, state == CameraStates.Error ? "connection refused" : null, 4.9, 100, 98, 2, 40, 1, 1280, 720, T0.AddSeconds(5), T0.AddSeconds(6), "node-a");

    private static LiveEventRecord LiveEvent(string id, string camera, DateTimeOffset start, string label = "person") =>
        new(id, camera, label, 91.5f, 97.25f, new NormalBox(0.1f, 0.2f, 0.3f, 0.6f), ["gate", "yard"], start, null, true, false, false, start.AddSeconds(1));

    [Fact]
    public async Task Events_are_stored_updated_and_listed_newest_first_by_camera_label_and_time()
    {
        await S.Events.AddEventAsync(LiveEvent("a", "front", T0), Ct);
        var hit = LiveEvent("b", "front", T0.AddMinutes(1), "hotlist:stolen") with { Plate = "7ABC123" };
        await S.Events.AddEventAsync(hit, Ct);
        await S.Events.AddEventAsync(LiveEvent("c", "back", T0.AddMinutes(2)), Ct);
        Assert.Equal(("7ABC123", null), ((await Open().Events.GetEventAsync("b", Ct))!.Plate, (await S.Events.GetEventAsync("c", Ct))!.Plate));
        Assert.Equal(["b"], (await S.Events.ListEventsAsync(new EventQuery { Plate = "7ABC123" }, Ct)).Select(e => e.Id));
        Assert.Empty(await S.Events.ListEventsAsync(new EventQuery { Plate = "7ABC124" }, Ct));
        var ended = LiveEvent("a", "front", T0) with { EndTime = T0.AddSeconds(30), TopScore = 99, HasClip = true, Stationary = true, Zones = ["gate"] };
        await S.Events.UpdateEventAsync(ended, Ct);
        Assert.Equal(ended, await Open().Events.GetEventAsync("a", Ct) is { } read ? read with { Zones = ended.Zones } : null);
        Assert.Equal(["gate"], (await S.Events.GetEventAsync("a", Ct))!.Zones);
        Assert.Null(await S.Events.GetEventAsync("zzz", Ct));
        Assert.Equal(["c", "b", "a"], (await S.Events.ListEventsAsync(new EventQuery(), Ct)).Select(e => e.Id));
        Assert.Equal(["b", "a"], (await S.Events.ListEventsAsync(new EventQuery(Camera: "front"), Ct)).Select(e => e.Id));
        Assert.Equal(["c", "a"], (await S.Events.ListEventsAsync(new EventQuery(Label: "PERSON"), Ct)).Select(e => e.Id));
        Assert.Equal(["c", "b"], (await S.Events.ListEventsAsync(new EventQuery(Since: T0.AddMinutes(1)), Ct)).Select(e => e.Id));
        Assert.Equal(["c"], (await S.Events.ListEventsAsync(new EventQuery(Limit: 1), Ct)).Select(e => e.Id));
    }

    [Fact]
    public async Task A_camera_is_stored_and_read_back_whole()
    {
        var camera = Camera("yard");
        await S.Cameras.AddCameraAsync(Tester, camera, Ct);
        var read = await Open().Cameras.GetCameraAsync("yard", Ct);
        Assert.NotNull(read);
        Assert.Equal(camera with { Settings = read.Settings }, read);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(camera.Settings, CameraJson.Default.CameraSettings),
            System.Text.Json.JsonSerializer.Serialize(read.Settings, CameraJson.Default.CameraSettings));
        Assert.Equal(["yard"], (await S.Cameras.ListCamerasAsync(Ct)).Select(c => c.Name));
        var again = await Assert.ThrowsAsync<SightlineException>(() => S.Cameras.AddCameraAsync(Tester, camera, Ct));
        Assert.Equal(ErrorKind.ResourceAlreadyExists, again.Kind);
        var missing = await Assert.ThrowsAsync<SightlineException>(() => S.Cameras.UpdateCameraAsync(Tester, Camera("nowhere"), Ct));
        Assert.Equal(ErrorKind.ResourceNotFound, missing.Kind);
    }

    [Fact]
    public async Task A_camera_status_is_replaced_ignored_for_unknown_cameras_and_removed_with_its_camera()
    {
        await S.Cameras.AddCameraAsync(Tester, Camera("yard"), Ct);
        await S.Cameras.SetCameraStatusAsync(Status("yard", CameraStates.Starting), Ct);
        await S.Cameras.SetCameraStatusAsync(Status("yard", CameraStates.Error), Ct);
        await S.Cameras.SetCameraStatusAsync(Status("gone", CameraStates.Streaming), Ct);
        var status = Assert.Single(await S.Cameras.ListCameraStatusAsync(Ct));
        Assert.Equal(Status("yard", CameraStates.Error), status);
        Assert.True(await S.Cameras.DeleteCameraAsync(Tester, "yard", Ct));
        Assert.Empty(await S.Cameras.ListCameraStatusAsync(Ct));
        Assert.False(await S.Cameras.DeleteCameraAsync(Tester, "yard", Ct));
    }
}
