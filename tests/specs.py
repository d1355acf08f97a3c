"""Small inline specs shared by several test modules."""

_PETS = """\
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - in: path
          name: id
          required: true
          schema:
            type: string
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema:
                type: object
                properties:
                  id:
                    type: string
                  petType:
                    type: string
"""
_OWNERS = """\
  /owners/{id}:
    delete:
      parameters:
        - in: path
          name: id
          required: true
          schema:
            type: string
      responses:
        '200':
          description: Deleted.
          content:
            application/json:
              schema:
                type: object
                properties:
                  id:
                    type: string
"""
_HEAD = """\
openapi: 3.1.0
info:
  title: Pet API
  version: 1.0.0
servers:
  - url: https://api.example.com/v1
paths:
"""
SPEC_A = _HEAD + _PETS + _OWNERS  # two operations in two resources
SPEC_B = _HEAD + _PETS  # the owners resource is gone
