using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Identification;
using Sightline.Imaging;
using Sightline.Inference;
using Sightline.Live.Detection;
using Sightline.Live.Tracking;
using Sightline.Rekognition;
using Sightline.Storage;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sightline.Live.Faces;

/// <summary>
/// One camera's live face search, only while an authorization covering the camera is active. Each confirmed person
/// track is searched once (on the first frame where its face is large enough, within <see cref="MaxAttempts"/>
/// tries) against the authorization's collection at its threshold (never below the policy floor). A match becomes
/// pending leads under the authorization's case and purpose, with the face crop kept as the lead's probe; nothing
/// of a face that matched nothing is kept. The audit chain records each start and stop (expiry, revocation, the
/// camera stopping) with the counts, and each match.
/// </summary>
public sealed partial class LiveFaceSearch(string camera, FaceSearchServices services, DetectionQueue queue, ILogger logger)
{
    public const string StartOperation = "StartLiveFaceSearch";
    public const string StopOperation = "StopLiveFaceSearch";
    public const string MatchOperation = Access.TransparencyReport.LiveFaceSearchOperation;
    public const string Role = "authorization";

    /// <summary>A face smaller than this (pixels of the detect frame) is not searched: too little to compare.</summary>
    public const int MinFaceSide = 24;

    /// <summary>Frames on which a person track is looked at for a face before it is given up.</summary>
    public const int MaxAttempts = 10;

    public const int MaxMatches = 5;

    private static readonly FaceRequest s_request = new() { Embeddings = true, MaxFaces = 1 };
    private readonly Dictionary<string, Session> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <summary>Authorizations under which this camera is searching now.</summary>
    public IReadOnlyCollection<string> Running => _running.Keys;

    /// <summary>Starts and stops searching as authorizations become active, expire or are revoked (each recorded).</summary>
    public async Task SyncAsync(DateTimeOffset at, CancellationToken ct)
    {
        var active = await services.Authorizations.ActiveAsync(camera, at, ct).ConfigureAwait(false);
        foreach (var id in _running.Keys.Where(id => !active.Any(a => a.Id == id)).ToList())
        {
            var known = services.Authorizations.Known(id);
            string reason = known?.RevokedAt is not null ? "revoked" : known is null || at >= known.ExpiresAt ? "expired" : "no longer covers the camera";
            await StopAsync(id, reason, at).ConfigureAwait(false);
        }
        foreach (var a in active.Where(a => !_running.ContainsKey(a.Id)))
        {
            try
            {
                await services.Audit.AppendAuditAsync(Entry(a, StartOperation) with { Details = Details(a, "started", 0, 0) }, ct).ConfigureAwait(false);
                _running[a.Id] = new Session(a);
                LogStarted(logger, camera, a.Id, a.OrderNumber, a.CollectionId, a.ExpiresAt);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAuditFailed(logger, camera, a.Id, ex); // not started unless recorded; tried again on the next frame
            }
        }
    }

    /// <summary>Searches the confirmed person tracks seen in this frame that have not been searched yet.</summary>
    public async Task SearchAsync(IReadOnlyList<TrackedObject> tracks, Frame frame, Mat bgr, CancellationToken ct)
    {
        foreach (var gone in _attempts.Keys.Where(id => !tracks.Any(t => t.Id == id)).ToList())
            _attempts.Remove(gone);
        if (_running.Count == 0)
            return;
        foreach (var track in tracks)
        {
            if (!track.Confirmed || track.LastSeen != frame.At || !string.Equals(track.Label, "person", StringComparison.OrdinalIgnoreCase))
                continue;
            int tried = _attempts.GetValueOrDefault(track.Id);
            if (tried is < 0 or >= MaxAttempts)
                continue;
            var face = await FindFaceAsync(track.Box, bgr, ct).ConfigureAwait(false);
            if (face is null)
            {
                _attempts[track.Id] = tried + 1;
                continue;
            }
            _attempts[track.Id] = -1;
            await SearchFaceAsync(track.Id, face.Value.Embedding, face.Value.Jpeg, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The camera stops: every running search is stopped and recorded.</summary>
    public async Task StoppedAsync(DateTimeOffset at)
    {
        foreach (var id in _running.Keys.ToList())
            await StopAsync(id, "camera stopped", at).ConfigureAwait(false);
    }

    private async Task<(float[] Embedding, byte[] Jpeg)?> FindFaceAsync(RectF person, Mat bgr, CancellationToken ct)
    {
        // The head is in the upper part of a person's box; a little margin on each side.
        float w = person.Width, h = person.Height;
        int x1 = (int)Math.Clamp(person.X1 - w * 0.1f, 0, bgr.Width - 1), y1 = (int)Math.Clamp(person.Y1 - h * 0.05f, 0, bgr.Height - 1);
        int x2 = (int)Math.Clamp(person.X2 + w * 0.1f, x1 + 1, bgr.Width), y2 = (int)Math.Clamp(person.Y1 + h * 0.55f, y1 + 1, bgr.Height);
        if (x2 - x1 < MinFaceSide * 2 || y2 - y1 < MinFaceSide * 2)
            return null;
        var region = new Rect(x1, y1, x2 - x1, y2 - y1);
        using var probe = DecodedImage.FromBgr(new Mat(bgr, region).Clone());
        var pending = queue.TryRun(() => Task.FromResult(services.Engine.Analyze(probe, s_request, ct)), ct);
        if (pending is null)
            return null; // the detectors are busy; the next frame tries again
        var faces = await pending.ConfigureAwait(false);
        if (faces.Count == 0 || faces[0].Embedding is not { } embedding || Math.Min(faces[0].Box.Width, faces[0].Box.Height) < MinFaceSide)
            return null;
        var jpeg = FaceCrops.Jpeg(probe.Bgr, faces[0].Box);
        return (embedding, jpeg);
    }

    private async Task SearchFaceAsync(string trackId, float[] embedding, byte[] jpeg, CancellationToken ct)
    {
        float floor = (await services.Policies.GetPolicyAsync(ct).ConfigureAwait(false)).IdentificationThresholdFloor;
        foreach (var session in _running.Values)
        {
            var a = session.Authorization;
            float threshold = Math.Max(a.FaceMatchThreshold ?? floor, floor);
            IReadOnlyList<FaceMatch> matches;
            try
            {
                matches = await services.Collections.SearchByEmbeddingAsync(a.CollectionId, embedding, MaxMatches, threshold, ct).ConfigureAwait(false);
            }
            catch (SightlineException ex)
            {
                LogSearchFailed(logger, camera, a.Id, ex.Message);
                continue;
            }
            session.Searches++;
            if (matches.Count == 0)
                continue;
            string sha = ProbeImages.Sha256(jpeg);
            try
            {
                var leads = LeadMatches.Of(matches);
                await services.Leads.AppendSearchAsync(Entry(a, MatchOperation) with
                {
                    Threshold = MatchThreshold.Recordable(threshold),
                    Probe = $"camera:{camera} event:{trackId} authorization:{a.Id} sha256:{sha}",
                    Details = LeadDetails.Of(leads),
                }, leads, jpeg, ct).ConfigureAwait(false);
                session.Matches++;
                LogLead(logger, camera, a.Id, trackId, matches.Count, matches[0].Similarity);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAuditFailed(logger, camera, a.Id, ex);
            }
        }
    }

    private async Task StopAsync(string id, string reason, DateTimeOffset at)
    {
        if (!_running.Remove(id, out var session))
            return;
        var a = session.Authorization;
        try
        {
            // Recorded even when the camera is stopping.
            await services.Audit.AppendAuditAsync(Entry(a, StopOperation) with { Details = Details(a, reason, session.Searches, session.Matches) }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuditFailed(logger, camera, a.Id, ex);
        }
        LogStopped(logger, camera, a.Id, reason, session.Searches, session.Matches, at);
    }

    private static AuditEntry Entry(LiveAuthorization a, string operation) =>
        new(a.CreatedBy, Role, operation) { CollectionId = a.CollectionId, Case = a.Case, Purpose = a.Purpose };

    private string Details(LiveAuthorization a, string state, long searches, long matches)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("authorization", a.Id);
            w.WriteString("orderNumber", a.OrderNumber);
            w.WriteString("camera", camera);
            w.WriteString("state", state);
            w.WriteNumber("searches", searches);
            w.WriteNumber("matches", matches);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private sealed class Session(LiveAuthorization authorization)
    {
        public LiveAuthorization Authorization { get; } = authorization;
        public long Searches { get; set; }
        public long Matches { get; set; }
    }

    [LoggerMessage(EventId = 80, Level = LogLevel.Warning, Message = "camera {Camera}: live face search started under authorization {AuthorizationId} (order {OrderNumber}, collection {CollectionId}, until {ExpiresAt:O})")]
    private static partial void LogStarted(ILogger logger, string camera, string authorizationId, string orderNumber, string collectionId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 81, Level = LogLevel.Warning, Message = "camera {Camera}: live face search under authorization {AuthorizationId} stopped ({Reason}) after {Searches} searches, {Matches} with leads, at {At:O}")]
    private static partial void LogStopped(ILogger logger, string camera, string authorizationId, string reason, long searches, long matches, DateTimeOffset at);

    [LoggerMessage(EventId = 82, Level = LogLevel.Warning, Message = "camera {Camera}: face of {TrackId} gave {Count} lead(s) for review under authorization {AuthorizationId} (best similarity {Similarity})")]
    private static partial void LogLead(ILogger logger, string camera, string authorizationId, string trackId, int count, float similarity);

    [LoggerMessage(EventId = 83, Level = LogLevel.Error, Message = "camera {Camera}: the audit record for authorization {AuthorizationId} could not be written")]
    private static partial void LogAuditFailed(ILogger logger, string camera, string authorizationId, Exception exception);

    [LoggerMessage(EventId = 84, Level = LogLevel.Warning, Message = "camera {Camera}: face search under authorization {AuthorizationId} failed: {Message}")]
    private static partial void LogSearchFailed(ILogger logger, string camera, string authorizationId, string message);
}
