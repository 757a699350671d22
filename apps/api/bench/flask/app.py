"""
The stack tokenauth grew from (../../../../shared/seed is the blog post; see docs/benchmarks.md):
Flask-RESTful resources guarded per method by flask-httpauth's token auth, the token an
itsdangerous timed signature read from a `token` header, and the issued tokens kept in the
server's memory. Used only as the reference for `pnpm bench:flask`; never part of the app.

Debian packages: python3-flask python3-flask-restful python3-flask-httpauth gunicorn.
Run under gunicorn with --preload: the bench's token is issued at import time, before the
workers fork, so every worker has it in memory (the blog keeps tokens per process).
"""
import os
import secrets

from flask import Flask
from flask_httpauth import HTTPTokenAuth
from flask_restful import Api, Resource
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

app = Flask(__name__)
app.config['SECRET_KEY'] = secrets.token_hex(32)
api = Api(app)
httpauth = HTTPTokenAuth(header='token')
serializer = URLSafeTimedSerializer(app.config['SECRET_KEY'], salt='access-token')

USERS = {1: {'id': 1, 'username': 'bench', 'roles': ['user']}}
# The blog's model: a token is valid while it is in this process's memory and not expired.
TOKENS = {}
TOKEN_TTL_SECONDS = 3600


def generate_auth_token(user_id):
    token = serializer.dumps({'id': user_id})
    TOKENS[token] = user_id
    return token


def verify_auth_token(token):
    try:
        data = serializer.loads(token, max_age=TOKEN_TTL_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    if TOKENS.get(token) != data['id']:
        return None
    return USERS.get(data['id'])


@httpauth.verify_token
def verify_token(token):
    try:
        return verify_auth_token(token)
    except Exception:
        return None


class Me(Resource):
    method_decorators = {'get': [httpauth.login_required]}

    def get(self):
        return httpauth.current_user()


api.add_resource(Me, '/api/me')

with open(os.environ['BENCH_TOKEN_FILE'], 'w') as token_file:
    token_file.write(generate_auth_token(1))
