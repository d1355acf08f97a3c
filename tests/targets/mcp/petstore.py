"""A small API shaped for the MCP target's tests: reads and writes, a paged list, a body with a renamed key,
bearer auth; and a real HTTP server on 127.0.0.1 that serves it and records what it received."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from tests.support.http_server import Answer, Received, RecordingServer

SECRET = "sk_live_petstore_0123456789"  # the API key the tests give the server; never to be seen again
BIG_NAME = "x" * 50_000  # a pet whose answer is past the size limits the tests set

SPEC = """
security:
  - bearerAuth: []
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      parameters:
        - {in: query, name: cursor, schema: {type: string}}
        - {in: query, name: limit, schema: {type: integer}}
        - {in: query, name: species, schema: {type: string, enum: [cat, dog]}}
      responses:
        '200':
          description: A page of pets.
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Pet'}}
                  next_cursor: {type: [string, 'null']}
    post:
      operationId: createPet
      summary: Create a pet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '201':
          description: The new pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{pet_id}:
    parameters:
      - {in: path, name: pet_id, required: true, schema: {type: string, example: pet_1}}
    get:
      operationId: retrievePet
      summary: Retrieve a pet
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    delete:
      operationId: deletePet
      summary: Delete a pet
      responses:
        '204': {description: Deleted.}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        birthDate: {type: string, format: date}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string, example: Rex}
        birthDate: {type: string, format: date}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      required: [email]
      properties:
        email: {type: string, description: Where the owner is told about the pet.}
        fullName: {type: string}
"""

CONFIG = {
    "package_name": "petstore",
    "distribution_name": "petstore-py",
    "client_name": "Petstore",
    "async_client_name": "AsyncPetstore",
    "env": {"api_key": "PETSTORE_API_KEY", "base_url": "PETSTORE_BASE_URL"},
    "request_id_header": "X-Request-Id",
}

PETS = [{"id": f"pet_{n}", "name": f"Pet {n}"} for n in (1, 2, 3)]


class PetServer(RecordingServer):
    """Serves the petstore on 127.0.0.1: pages of two pets, 404 (with a request id) for an unknown pet."""

    def __init__(self) -> None:
        super().__init__(self._reply)
        self.start()

    def _reply(self, request: Received) -> Answer:
        status, payload = self.answer(request.method, request.path, request.body)
        data = b"" if payload is None else json.dumps(payload).encode()
        return Answer(status, data, {"Content-Type": "application/json", "X-Request-Id": f"req_{len(self.received)}"})

    def answer(self, method: str, target: str, body: bytes) -> tuple[int, object]:
        parts = urlsplit(target)
        path = parts.path.removeprefix("/v1")
        query = parse_qs(parts.query)
        if path == "/pets" and method == "GET":
            start = int(query.get("cursor", ["0"])[0])
            end = start + 2
            return 200, {"data": PETS[start:end], "next_cursor": str(end) if end < len(PETS) else None}
        if path == "/pets" and method == "POST":
            return 201, {"id": "pet_new", **json.loads(body)}
        pet_id = path.removeprefix("/pets/")
        if method == "GET" and pet_id == "big":
            return 200, {"id": "big", "name": BIG_NAME}
        pet = next((p for p in PETS if p["id"] == pet_id), None)
        if pet is None:
            return 404, {
                "error": {"message": f"no pet {pet_id}", "echo": self.received[-1].headers.get("Authorization")}
            }
        return (204, None) if method == "DELETE" else (200, pet)
