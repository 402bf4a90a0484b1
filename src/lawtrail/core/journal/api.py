"""Journal API: entries (scoped), checkpoints and proofs (public — they reveal only hashes),
and the public key that verifies the checkpoints."""

from __future__ import annotations

import base64

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.core.errors import ValidationFailed
from lawtrail.core.pagination import BoundedLimitOffsetPagination as LimitOffsetPagination

from . import selectors, services
from .signing import journal_key, signed_note


class EntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    seq = serializers.IntegerField(allow_null=True)
    at = serializers.DateTimeField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_label = serializers.CharField()
    action = serializers.CharField()
    subject_type = serializers.CharField()
    subject_id = serializers.CharField()
    before_digest = serializers.CharField()
    after_digest = serializers.CharField()
    note = serializers.CharField()
    leaf_hash = serializers.CharField()


class EntryFilterInput(serializers.Serializer):
    action = serializers.CharField(required=False, default="")
    subject_type = serializers.CharField(required=False, default="")
    subject_id = serializers.CharField(required=False, default="")


class CheckpointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="根哈希（十六进制）")
    created_at = serializers.DateTimeField()
    origin = serializers.CharField()
    key_id = serializers.CharField()
    text = serializers.CharField(help_text="被签名的检查点正文（C2SP checkpoint）")
    signature = serializers.CharField(help_text="Ed25519 签名（base64）")
    note = serializers.SerializerMethodField(help_text="完整的签名笔记（C2SP signed note）")

    def get_note(self, cp) -> str:
        return signed_note(cp.text, cp.origin, bytes.fromhex(cp.key_id), _b64(cp.signature))


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text)
    except ValueError:
        return b""


class CheckpointCreateInput(serializers.Serializer):
    """No fields: the checkpoint signs the tree as it is."""


class InclusionInput(serializers.Serializer):
    entry = serializers.IntegerField(min_value=0)
    size = serializers.IntegerField(min_value=0, required=False)


class InclusionOutput(serializers.Serializer):
    entry = serializers.IntegerField(help_text="条目序号 = 叶子下标")
    tree_size = serializers.IntegerField()
    leaf_hash = serializers.CharField()
    leaf_data = serializers.CharField(
        help_text="条目的规范编码；leaf_hash = SHA-256(0x00 || UTF-8(leaf_data))"
    )
    proof = serializers.ListField(child=serializers.CharField())
    root_hash = serializers.CharField()
    checkpoint = CheckpointOutput(allow_null=True)


class ConsistencyInput(serializers.Serializer):
    first = serializers.IntegerField(min_value=0)
    second = serializers.IntegerField(min_value=0, required=False)


class ConsistencyOutput(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    first_root = serializers.CharField()
    second_root = serializers.CharField()
    proof = serializers.ListField(child=serializers.CharField())
    first_checkpoint = CheckpointOutput(allow_null=True)
    second_checkpoint = CheckpointOutput(allow_null=True)


class PublicKeyOutput(serializers.Serializer):
    origin = serializers.CharField()
    algorithm = serializers.CharField()
    public_key = serializers.CharField(help_text="Ed25519 公钥（32 字节，base64）")
    key_id = serializers.CharField()
    verifier_key = serializers.CharField(help_text="C2SP 验证密钥串 <origin>+<key_id>+<base64(0x01||公钥)>")


def _query(serializer_class, request):
    data = serializer_class(data=request.query_params)
    if not data.is_valid():
        raise ValidationFailed("查询参数有误。", code="JOURNAL_QUERY_INVALID", details=data.errors)
    return data.validated_data


class EntryListView(APIView):
    """日志条目列表（需要“查看执法日志”权限），最新的在前。"""

    @extend_schema(parameters=[EntryFilterInput], responses={200: EntryOutput(many=True)})
    def get(self, request):
        qs = selectors.entry_list_for(request.user, **_query(EntryFilterInput, request))
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(EntryOutput(page, many=True).data)


class CheckpointListView(APIView):
    """签名检查点列表（公开）；POST 立即签署一个新的检查点（需要相应权限）。"""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(responses={200: CheckpointOutput(many=True)})
    def get(self, request):
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(selectors.checkpoint_list(), request, view=self)
        return paginator.get_paginated_response(CheckpointOutput(page, many=True).data)

    @extend_schema(request=CheckpointCreateInput, responses={201: CheckpointOutput})
    def post(self, request):
        cp = services.journal_checkpoint(actor=request.user)
        return Response(CheckpointOutput(cp).data, status=201)


class CheckpointLatestView(APIView):
    """最新的签名检查点（公开）。"""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CheckpointOutput})
    def get(self, request):
        return Response(CheckpointOutput(selectors.checkpoint_latest()).data)


class InclusionProofView(APIView):
    """条目的包含证明（RFC 6962 PATH），默认针对覆盖该条目的最新检查点（公开）。"""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[InclusionInput], responses={200: InclusionOutput})
    def get(self, request):
        q = _query(InclusionInput, request)
        return Response(InclusionOutput(selectors.inclusion_proof(seq=q["entry"], size=q.get("size"))).data)


class ConsistencyProofView(APIView):
    """两个树大小之间的一致性证明（RFC 6962 PROOF），second 默认为最新检查点（公开）。"""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[ConsistencyInput], responses={200: ConsistencyOutput})
    def get(self, request):
        q = _query(ConsistencyInput, request)
        return Response(
            ConsistencyOutput(selectors.consistency_proof(first=q["first"], second=q.get("second"))).data
        )


class PublicKeyView(APIView):
    """验证检查点签名用的公钥（公开）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: PublicKeyOutput})
    def get(self, request):
        key = journal_key()
        return Response(
            {
                "origin": key.origin,
                "algorithm": "Ed25519",
                "public_key": key.public_b64,
                "key_id": key.key_id.hex(),
                "verifier_key": key.verifier_key,
            }
        )
