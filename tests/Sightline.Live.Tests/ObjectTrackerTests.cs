using Sightline.Inference;
using Sightline.Live.Detection;
using Sightline.Live.Tracking;
using Sightline.Storage;

namespace Sightline.Live.Tests;

public sealed class ObjectTrackerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddDays(20000);

    private static LiveDetection Person(float x, float confidence = 90) => new("person", confidence, new RectF(x, 100, x + 60, 300));

    [Fact]
    public void A_walking_object_keeps_one_id_is_confirmed_after_a_few_frames_and_ends_after_it_is_unseen()
    {
        var tracker = new ObjectTracker([], new TrackerOptions { ConfirmFrames = 3, MaxUnseen = TimeSpan.FromSeconds(5) });
        var confirmed = new List<TrackedObject>();
        for (int i = 0; i < 20; i++)
            confirmed.AddRange(tracker.Update([Person(50 + i * 25)], 640, 360, T0.AddMilliseconds(200 * i)).Confirmed);
        var track = Assert.Single(tracker.Tracks);
        Assert.Same(track, Assert.Single(confirmed));
        Assert.Equal(20, track.Hits);
        Assert.True(track.Velocity.Dx is > 15 and < 35);
        Assert.Empty(tracker.Update([], 640, 360, T0.AddSeconds(6)).Ended);
        Assert.Same(track, Assert.Single(tracker.Update([], 640, 360, T0.AddSeconds(9.5)).Ended));
        Assert.Empty(tracker.Tracks);
    }

    [Fact]
    public void A_flicker_whose_median_score_is_low_never_becomes_an_event_even_with_one_high_score()
    {
        var tracker = new ObjectTracker([], new TrackerOptions { ConfirmFrames = 3, MinMedianScore = 60 });
        float[] scores = [95, 45, 41, 44, 42, 43];
        var confirmed = scores.SelectMany((s, i) => tracker.Update([Person(100, s)], 640, 360, T0.AddMilliseconds(200 * i)).Confirmed).ToList();
        Assert.Empty(confirmed);
        Assert.Single(tracker.Tracks);
    }

    [Fact]
    public void Two_objects_of_different_labels_or_far_apart_are_two_tracks()
    {
        var tracker = new ObjectTracker([], new TrackerOptions());
        for (int i = 0; i < 5; i++)
            tracker.Update([Person(100), Person(400), new LiveDetection("car", 80, new RectF(100, 100, 160, 300))], 640, 360, T0.AddMilliseconds(200 * i));
        Assert.Equal(3, tracker.Tracks.Count);
        Assert.Equal(3, tracker.Tracks.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public void Zones_test_the_bottom_centre_with_inertia_and_are_remembered_once_entered()
    {
        IReadOnlyList<RelativePoint> rightHalf = [new(0.5f, 0), new(1, 0), new(1, 1), new(0.5f, 1)];
        var tracker = new ObjectTracker([new CameraZone("east", rightHalf, ["person"]), new CameraZone("cars-only", rightHalf, ["car"])],
            new TrackerOptions { ConfirmFrames = 2, ZoneInertia = 3 });
        var updates = new List<TrackedObject>();
        for (int i = 0; i < 12; i++)
        {
            var changes = tracker.Update([Person(200 + i * 20)], 640, 360, T0.AddMilliseconds(200 * i));
            updates.AddRange(changes.Updated);
        }
        var track = Assert.Single(tracker.Tracks);
        // Its bottom centre crossed x = 320 at the 5th frame; three frames later it counts as inside.
        Assert.Equal(["east"], track.CurrentZones);
        Assert.Equal(["east"], track.EnteredZones);
        Assert.Contains(track, updates);
        for (int i = 12; i < 30; i++)
            tracker.Update([Person(460 - (i - 12) * 20)], 640, 360, T0.AddMilliseconds(200 * i));
        Assert.Empty(tracker.Tracks[0].CurrentZones);
        Assert.Equal(["east"], tracker.Tracks[0].EnteredZones);
    }

    [Fact]
    public void A_zone_with_a_loitering_time_counts_only_after_the_object_stayed_that_long_and_leaving_starts_the_count_again()
    {
        IReadOnlyList<RelativePoint> rightHalf = [new(0.5f, 0), new(1, 0), new(1, 1), new(0.5f, 1)];
        var tracker = new ObjectTracker([new CameraZone("porch", rightHalf, []) { LoiterSeconds = 3 }, new CameraZone("east", rightHalf, [])],
            new TrackerOptions { ConfirmFrames = 2, ZoneInertia = 2 });
        var updatedAt = new List<double>();
        // In the right half from the first frame, walking about, for 5 s at 5 fps.
        for (int i = 0; i < 25; i++)
        {
            var changes = tracker.Update([Person(400 + 20 * Math.Abs(i % 4 - 2))], 640, 360, T0.AddMilliseconds(200 * i));
            var track = tracker.Tracks[0];
            if (i == 5)
            {
                Assert.Equal(["east"], track.CurrentZones);
                Assert.False(track.Loitering);
            }
            if (changes.Updated.Count > 0)
                updatedAt.Add(i * 0.2);
        }
        var loiterer = Assert.Single(tracker.Tracks);
        Assert.Equal(["east", "porch"], loiterer.CurrentZones);
        Assert.True(loiterer.Loitering);
        Assert.Equal(["east", "porch"], loiterer.EnteredZones.Order(StringComparer.Ordinal));
        // The change that made it a loiterer was an update at 3 s, when the count reached the zone's time.
        Assert.Contains(3.0, updatedAt.Select(t => Math.Round(t, 1)));

        // Out of the zone (walking left), then back: the count starts again.
        int frame = 25;
        for (float x = 420; x >= 160; x -= 26)
            tracker.Update([Person(x)], 640, 360, T0.AddMilliseconds(200 * frame++));
        Assert.Equal([], loiterer.CurrentZones);
        Assert.False(loiterer.Loitering);
        for (float x = 186; x <= 420; x += 26)
            tracker.Update([Person(x)], 640, 360, T0.AddMilliseconds(200 * frame++));
        Assert.Same(loiterer, Assert.Single(tracker.Tracks));
        Assert.Equal(["east"], loiterer.CurrentZones);
        Assert.False(loiterer.Loitering);
    }

    [Fact]
    public void An_object_that_stops_moving_becomes_stationary()
    {
        var tracker = new ObjectTracker([], new TrackerOptions { StationaryAfter = TimeSpan.FromSeconds(10) });
        for (int i = 0; i < 80; i++)
            tracker.Update([Person(300 + (i % 2))], 640, 360, T0.AddMilliseconds(200 * i));
        Assert.True(tracker.Tracks[0].Stationary);
    }

    [Theory]
    [InlineData(0.5f, 0.5f, true)]
    [InlineData(0.05f, 0.5f, false)]
    [InlineData(0.5f, 0.95f, false)]
    public void Point_in_polygon(float x, float y, bool inside)
    {
        IReadOnlyList<RelativePoint> triangle = [new(0.1f, 0.1f), new(0.9f, 0.1f), new(0.5f, 0.9f)];
        Assert.Equal(inside, ObjectTracker.Inside(triangle, x, y));
    }
}
