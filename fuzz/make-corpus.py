#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (needs ImageMagick, cwebp and exiftool for the images).

Every seed is made here from nothing: small generated images, SigV4 request texts and JSON bodies.
"""
import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def tiff_exif(orientation, big_endian=False):
    """A bare TIFF-structured EXIF block with one IFD holding the orientation tag."""
    e = ">" if big_endian else "<"
    head = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    ifd = struct.pack(e + "H", 2)
    ifd += struct.pack(e + "HHIHH", 0x010F, 2, 4, 0, 0)  # Make, ASCII, inline "SL"
    ifd += struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0)
    ifd += struct.pack(e + "I", 0)
    return head + ifd


def images():
    tmp = tempfile.mkdtemp()
    try:
        def conv(name, *args):
            out = os.path.join(tmp, name)
            run("convert", *args, "-strip", out)
            with open(out, "rb") as f:
                return f.read()

        grad = ["-size", "96x96", "gradient:red-blue"]
        small = ["-size", "16x12", "plasma:fractal", "-seed", "1"]
        write("image", "jpeg-96.jpg", conv("a.jpg", *grad, "-quality", "40"))
        write("image", "jpeg-grey-8.jpg", conv("b.jpg", "-size", "8x8", "gradient:", "-colorspace", "Gray", "-quality", "50"))
        write("image", "jpeg-progressive.jpg", conv("c.jpg", "-size", "16x12", "gradient:green-yellow", "-interlace", "JPEG", "-quality", "50"))
        # EXIF APP1 with orientation 6 (rotate 90) and an embedded thumbnail whose own EOI precedes the frame.
        exif = os.path.join(tmp, "exif.jpg")
        thumb = os.path.join(tmp, "thumb.jpg")
        run("convert", "-size", "96x80", "gradient:white-black", "-quality", "40", "-strip", exif)
        run("convert", "-size", "8x8", "xc:gray", "-quality", "30", "-strip", thumb)
        run("exiftool", "-q", "-overwrite_original", "-Orientation#=6", "-Make=SL", f"-ThumbnailImage<={thumb}", exif)
        with open(exif, "rb") as f:
            write("image", "jpeg-exif-orientation6-thumb.jpg", f.read())
        write("image", "png-rgb-96.png", conv("d.png", *grad, "-colors", "8"))
        run("convert", "-size", "16x16", "gradient:#ff000000-#0000ffff", "-strip", "PNG32:" + os.path.join(tmp, "e.png"))
        write("image", "png-rgba-16.png", open(os.path.join(tmp, "e.png"), "rb").read())
        run("convert", "-size", "16x16", "gradient:", "-colorspace", "Gray", "-depth", "16", "-strip", "PNG48:" + os.path.join(tmp, "f.png"))
        write("image", "png-16bit-16.png", open(os.path.join(tmp, "f.png"), "rb").read())
        run("convert", "-size", "12x12", "gradient:", "-colorspace", "Gray", "-depth", "8", "-strip", "PNG8:" + os.path.join(tmp, "g.png"))
        write("image", "png-grey-12.png", open(os.path.join(tmp, "g.png"), "rb").read())
        # WebP: lossy (VP8), lossless (VP8L) and extended with alpha (VP8X).
        src = os.path.join(tmp, "src.png")
        run("convert", *small, "-strip", src)
        for name, args in (("webp-lossy.webp", ["-q", "30"]), ("webp-lossless.webp", ["-lossless"])):
            out = os.path.join(tmp, name)
            run("cwebp", "-quiet", *args, src, "-o", out)
            write("image", name, open(out, "rb").read())
        out = os.path.join(tmp, "alpha.webp")
        run("cwebp", "-quiet", "-q", "30", "-exact", os.path.join(tmp, "e.png"), "-o", out)
        write("image", "webp-alpha-vp8x.webp", open(out, "rb").read())
        # BMP: Windows v3 24-bit, OS/2 (12-byte header), 32-bit top-down.
        run("convert", *small, "-strip", "BMP3:" + os.path.join(tmp, "h.bmp"))
        write("image", "bmp3-24.bmp", open(os.path.join(tmp, "h.bmp"), "rb").read())
        run("convert", "-size", "8x8", "xc:orange", "-strip", "BMP2:" + os.path.join(tmp, "i.bmp"))
        write("image", "bmp2-os2.bmp", open(os.path.join(tmp, "i.bmp"), "rb").read())
        bmp = bytearray(open(os.path.join(tmp, "h.bmp"), "rb").read())
        height = struct.unpack_from("<i", bmp, 22)[0]
        struct.pack_into("<i", bmp, 22, -height)  # top-down rows
        write("image", "bmp3-topdown.bmp", bytes(bmp))
        # Formats the reader refuses, and TIFF blocks for the EXIF reader on its own.
        write("image", "gif-16.gif", conv("j.gif", *small, "-colors", "4"))
        write("image", "tiff-16.tif", conv("k.tif", "-size", "8x8", "xc:teal", "-compress", "none"))
        write("image", "exif-tiff-le.exif", tiff_exif(6))
        write("image", "exif-tiff-be.exif", tiff_exif(8, big_endian=True))
        # A JPEG cut short (no EOI) and a PNG without IEND.
        jpeg = open(os.path.join(CORPUS, "image", "jpeg-96.jpg"), "rb").read()
        write("image", "jpeg-truncated.jpg", jpeg[: len(jpeg) // 2])
        png = open(os.path.join(CORPUS, "image", "png-grey-12.png"), "rb").read()
        write("image", "png-no-iend.png", png[:-12])
    finally:
        shutil.rmtree(tmp)


DATE = "20261123T120000Z"
SCOPE = "20261123/us-east-1/rekognition/aws4_request"


def sigv4():
    def request(first, headers, body="", content_hash=True):
        lines = [first]
        hs = dict(headers)
        if content_hash:
            hs["X-Amz-Content-Sha256"] = hashlib.sha256(body.encode()).hexdigest()
        lines += [f"{k}: {v}" for k, v in hs.items()]
        return "\n".join(lines) + "\n\n" + body

    signed = "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target"
    auth = f"AWS4-HMAC-SHA256 Credential={{key}}/{SCOPE}, SignedHeaders={signed}, Signature={{sig}}"
    base = {"Host": "127.0.0.1:8080", "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": DATE,
            "X-Amz-Target": "RekognitionService.ListCollections", "Authorization": auth}
    write("sigv4", "signed-post.txt", request("POST /", base, "{}"))
    write("sigv4", "signed-get-query.txt", request("GET /a/./b/../c%20d/?b=z&a=1&b=x+y&empty=", {
        "Host": "localhost", "X-Amz-Date": DATE,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={{key}}/{SCOPE},SignedHeaders=host;x-amz-date,Signature={{sig}}"}, content_hash=False))
    write("sigv4", "signed-duplicate-headers.txt", request("POST /", {**base, "X-Custom": "a  b\t c", "x-custom": "d"}, '{"MaxResults":1}')
          .replace(signed, signed.replace("x-amz-target", "x-amz-target;x-custom")))
    write("sigv4", "wrong-signature.txt", request("POST /", {**base, "Authorization": auth.replace("{sig}", "0" * 64)}, "{}"))
    write("sigv4", "expired.txt", request("POST /", {**base, "X-Amz-Date": "20261123T110000Z"}, "{}"))
    write("sigv4", "unknown-key.txt", request("POST /", {**base, "Authorization": auth.replace("{key}", "SLAAAAAAAAAAAAAAAAAA")}, "{}"))
    write("sigv4", "unsigned.txt", request("POST /", {"Host": "h"}, "{}", content_hash=False))
    write("sigv4", "bearer.txt", "BEARER\n{key}:{secret}\n")
    write("sigv4", "bearer-wrong.txt", "BEARER\n{key}:not-the-secret\n")


def requests():
    sys.path.insert(0, HERE)
    ops = [
        "DetectFaces", "CompareFaces", "DetectText", "DetectLabels", "CreateCollection", "DescribeCollection", "ListCollections",
        "DeleteCollection", "IndexFaces", "ListFaces", "DeleteFaces", "SearchFaces", "SearchFacesByImage", "CreateUser", "DeleteUser",
        "ListUsers", "AssociateFaces", "DisassociateFaces", "SearchUsers", "SearchUsersByImage", "TagResource", "UntagResource",
        "ListTagsForResource", "StartFaceDetection", "GetFaceDetection", "StartFaceSearch", "GetFaceSearch", "DetectCustomLabels",
    ]
    bodies = ["CreateCollectionBody", "CreateUserBody", "FaceIdsBody", "TagsBody", "ReviewBody", "RetentionBody", "HoldBody",
              "VideoJobBody", "HotlistEntryBody", "AlertRuleBody"]
    img = {"Bytes": base64.b64encode(b"\xff\xd8\xff\xe0fuzz").decode()}
    s3 = {"S3Object": {"Bucket": "evidence", "Name": "cam/1.jpg", "Version": "3"}}
    face = "11111111-2222-3333-4444-555555555555"
    samples = {
        "DetectFaces": {"Image": img, "Attributes": ["ALL"]},
        "CompareFaces": {"SourceImage": img, "TargetImage": s3, "SimilarityThreshold": 80.5},
        "DetectText": {"Image": img, "Filters": {"WordFilter": {"MinConfidence": 50, "MinBoundingBoxHeight": 0.1, "MinBoundingBoxWidth": 0.05},
                                                   "RegionsOfInterest": [{"BoundingBox": {"Width": 0.5, "Height": 0.5, "Left": 0.1, "Top": 0.1}},
                                                                         {"Polygon": [{"X": 0.1, "Y": 0.1}, {"X": 0.9, "Y": 0.1}, {"X": 0.5, "Y": 0.9}]}]}},
        "DetectLabels": {"Image": s3, "MaxLabels": 10, "MinConfidence": 55, "Features": ["GENERAL_LABELS", "IMAGE_PROPERTIES"],
                         "Settings": {"GeneralLabels": {"LabelInclusionFilters": ["Car"], "LabelCategoryExclusionFilters": ["Animals"]},
                                      "ImageProperties": {"MaxDominantColors": 3}}},
        "CreateCollection": {"CollectionId": "case-2026-0142"},
        "DescribeCollection": {"CollectionId": "case-2026-0142"},
        "ListCollections": {"MaxResults": 5, "NextToken": "abc"},
        "DeleteCollection": {"CollectionId": "c"},
        "IndexFaces": {"CollectionId": "c", "Image": img, "ExternalImageId": "e-1", "DetectionAttributes": ["DEFAULT"], "MaxFaces": 3, "QualityFilter": "AUTO"},
        "ListFaces": {"CollectionId": "c", "MaxResults": 100, "UserId": "u1"},
        "DeleteFaces": {"CollectionId": "c", "FaceIds": [face]},
        "SearchFaces": {"CollectionId": "c", "FaceId": face, "MaxFaces": 5, "FaceMatchThreshold": 90},
        "SearchFacesByImage": {"CollectionId": "c", "Image": img, "MaxFaces": 5, "FaceMatchThreshold": 90},
        "CreateUser": {"CollectionId": "c", "UserId": "u1", "ClientRequestToken": "t"},
        "DeleteUser": {"CollectionId": "c", "UserId": "u1"},
        "ListUsers": {"CollectionId": "c", "MaxResults": 2, "NextToken": "n"},
        "AssociateFaces": {"CollectionId": "c", "UserId": "u1", "FaceIds": [face], "UserMatchThreshold": 75},
        "DisassociateFaces": {"CollectionId": "c", "UserId": "u1", "FaceIds": [face]},
        "SearchUsers": {"CollectionId": "c", "FaceId": face, "MaxUsers": 3},
        "SearchUsersByImage": {"CollectionId": "c", "Image": img, "UserMatchThreshold": 80},
        "TagResource": {"ResourceArn": "arn:aws:rekognition:us-east-1:000000000000:collection/c", "Tags": {"unit": "cid", "case": "7"}},
        "UntagResource": {"ResourceArn": "arn:aws:rekognition:us-east-1:000000000000:collection/c", "TagKeys": ["unit"]},
        "ListTagsForResource": {"ResourceArn": "arn:aws:rekognition:us-east-1:000000000000:collection/c"},
        "StartFaceDetection": {"Video": {"S3Object": {"Bucket": "b", "Name": "v.mp4"}}, "FaceAttributes": "ALL", "JobTag": "j", "ClientRequestToken": "t"},
        "GetFaceDetection": {"JobId": "job-1", "MaxResults": 10, "NextToken": "n"},
        "StartFaceSearch": {"Video": {"S3Object": {"Bucket": "b", "Name": "v.mp4"}}, "CollectionId": "c", "FaceMatchThreshold": 85, "NotificationChannel": None},
        "GetFaceSearch": {"JobId": "job-1", "SortBy": "TIMESTAMP"},
        "DetectCustomLabels": {"ProjectVersionArn": "arn:aws:rekognition:us-east-1:000000000000:project/p/version/v/1", "Image": img, "MinConfidence": 50, "MaxResults": 5},
        "CreateCollectionBody": {"collectionId": "case-1"},
        "CreateUserBody": {"userId": "u1"},
        "FaceIdsBody": {"faceIds": [face]},
        "TagsBody": {"tags": {"unit": "cid"}},
        "ReviewBody": {"status": "confirmed", "note": "seen"},
        "RetentionBody": {"faceDays": 365, "leadDays": 90},
        "HoldBody": {"reason": "court order 17"},
        "VideoJobBody": {"video": {"bucket": "b", "name": "v.mp4"}, "collectionId": "c", "faceMatchThreshold": 80, "faceAttributes": "ALL", "jobTag": "j", "clientRequestToken": "t"},
        "HotlistEntryBody": {"reason": "stolen", "expiresAt": "2027-01-01T00:00:00Z"},
        "AlertRuleBody": {"label": "Car", "minConfidence": 60, "region": {"left": 0.1, "top": 0.1, "width": 0.5, "height": 0.5}, "webhook": "http://127.0.0.1:9000/hook"},
    }
    names = ops + bodies
    assert set(samples) == set(names)
    for i, name in enumerate(names):
        write("requests", f"{name}.json", bytes([i]) + json.dumps(samples[name], separators=(",", ":")).encode())
    # A few bodies the readers must refuse with their own error.
    write("requests", "DetectFaces-wrong-type.json", bytes([0]) + b'{"Image":{"Bytes":5}}')
    write("requests", "DetectFaces-bad-base64.json", bytes([0]) + b'{"Image":{"Bytes":"@@"}}')
    write("requests", "ListCollections-overflow.json", bytes([6]) + b'{"MaxResults":99999999999}')
    write("requests", "RetentionBody-string-number.json", bytes([names.index("RetentionBody")]) + b'{"faceDays":"30"}')
    write("requests", "deep.json", bytes([3]) + b'{"Settings":' + b"[" * 40 + b"]" * 40 + b"}")


if __name__ == "__main__":
    makers = {"image": images, "sigv4": sigv4, "requests": requests}
    which = sys.argv[1:] or list(makers)
    for target in which:
        shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)
        makers[target]()
