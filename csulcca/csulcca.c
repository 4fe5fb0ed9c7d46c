/*
 * libcsulcca: IBM CCA for Linux's verb names with `long` integers (include/csulincl.h).
 *
 * Each function forwards its arguments, untouched, to libsoftcca's softcca_lp64_<VERB>, where
 * the one unsafe layer (src/ffi) reads and checks every parameter, runs the same verb core as
 * softcca.h's int32_t entry points and writes the outputs. This file reads no parameter: it
 * only gives the entry points IBM's names, which libsoftcca cannot also carry (its verbs of
 * those names take int32_t). Including csulincl.h makes the compiler check every definition
 * against the published prototype; tests/csulincl.rs checks the prototypes against the Rust
 * entry points.
 */
#include "csulincl.h"

#define FORWARD(verb, params, args)                                                         \
    extern void softcca_lp64_##verb params;                                                 \
    void SECURITYAPI verb params { softcca_lp64_##verb args; }

FORWARD(CSNBCPE,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *PIN_encrypting_key_identifier, long *rule_array_count, unsigned char *rule_array, unsigned char *clear_PIN, unsigned char *PIN_profile, unsigned char *PAN_data, long *sequence_number, unsigned char *encrypted_PIN_block),
        (return_code, reason_code, exit_data_length, exit_data, PIN_encrypting_key_identifier, rule_array_count, rule_array, clear_PIN, PIN_profile, PAN_data, sequence_number, encrypted_PIN_block))
FORWARD(CSNBDKG,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *generating_key_identifier, long *data_length, unsigned char *data, unsigned char *data_decrypting_key_identifier, unsigned char *generated_key_identifier),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, generating_key_identifier, data_length, data, data_decrypting_key_identifier, generated_key_identifier))
FORWARD(CSNBKGN,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_form, unsigned char *key_length, unsigned char *key_type_1, unsigned char *key_type_2, unsigned char *KEK_key_identifier_1, unsigned char *KEK_key_identifier_2, unsigned char *generated_key_identifier_1, unsigned char *generated_key_identifier_2),
        (return_code, reason_code, exit_data_length, exit_data, key_form, key_length, key_type_1, key_type_2, KEK_key_identifier_1, KEK_key_identifier_2, generated_key_identifier_1, generated_key_identifier_2))
FORWARD(CSNBKPI,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *key_part, unsigned char *key_identifier),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, key_part, key_identifier))
FORWARD(CSNBKRC,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_label),
        (return_code, reason_code, exit_data_length, exit_data, key_label))
FORWARD(CSNBKRD,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *key_identifier),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, key_identifier))
FORWARD(CSNBKRL,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_label, long *data_set_name_length, unsigned char *data_set_name, unsigned char *security_server_name),
        (return_code, reason_code, exit_data_length, exit_data, key_label, data_set_name_length, data_set_name, security_server_name))
FORWARD(CSNBKRR,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_label, unsigned char *key_token),
        (return_code, reason_code, exit_data_length, exit_data, key_label, key_token))
FORWARD(CSNBKRW,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_token, unsigned char *key_label),
        (return_code, reason_code, exit_data_length, exit_data, key_token, key_label))
FORWARD(CSNBKTB,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_token, unsigned char *key_type, long *rule_array_count, unsigned char *rule_array, unsigned char *key_value, void *reserved_field_1, long *reserved_field_2, unsigned char *reserved_field_3, unsigned char *control_vector, unsigned char *reserved_field_4, long *reserved_field_5, unsigned char *reserved_field_6, unsigned char *master_key_verification_number),
        (return_code, reason_code, exit_data_length, exit_data, key_token, key_type, rule_array_count, rule_array, key_value, reserved_field_1, reserved_field_2, reserved_field_3, control_vector, reserved_field_4, reserved_field_5, reserved_field_6, master_key_verification_number))
FORWARD(CSNBKTC,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *key_identifier),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, key_identifier))
FORWARD(CSNBKYT,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *key_identifier, unsigned char *value_1, unsigned char *value_2),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, key_identifier, value_1, value_2))
FORWARD(CSNBMGN,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_identifier, long *text_length, unsigned char *text, long *rule_array_count, unsigned char *rule_array, unsigned char *chaining_vector, unsigned char *MAC),
        (return_code, reason_code, exit_data_length, exit_data, key_identifier, text_length, text, rule_array_count, rule_array, chaining_vector, MAC))
FORWARD(CSNBMKP,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *key_part),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, key_part))
FORWARD(CSNBMVR,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, unsigned char *key_identifier, long *text_length, unsigned char *text, long *rule_array_count, unsigned char *rule_array, unsigned char *chaining_vector, unsigned char *MAC),
        (return_code, reason_code, exit_data_length, exit_data, key_identifier, text_length, text, rule_array_count, rule_array, chaining_vector, MAC))
FORWARD(CSNBPCU,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, long *authentication_issuer_master_key_length, unsigned char *authentication_issuer_master_key_identifier, long *encryption_issuer_master_key_length, unsigned char *encryption_issuer_master_key_identifier, long *key_generation_data_length, unsigned char *key_generation_data, long *new_reference_PIN_key_length, unsigned char *new_reference_PIN_key_identifier, unsigned char *new_reference_PIN_block, unsigned char *new_reference_PIN_profile, unsigned char *new_reference_PIN_PAN_data, long *current_reference_PIN_key_length, unsigned char *current_reference_PIN_key_identifier, unsigned char *current_reference_PIN_block, unsigned char *current_reference_PIN_profile, unsigned char *current_reference_PIN_PAN_data, long *output_PIN_data_length, unsigned char *output_PIN_data, unsigned char *output_PIN_profile, long *output_PIN_message_length, unsigned char *output_PIN_message),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, authentication_issuer_master_key_length, authentication_issuer_master_key_identifier, encryption_issuer_master_key_length, encryption_issuer_master_key_identifier, key_generation_data_length, key_generation_data, new_reference_PIN_key_length, new_reference_PIN_key_identifier, new_reference_PIN_block, new_reference_PIN_profile, new_reference_PIN_PAN_data, current_reference_PIN_key_length, current_reference_PIN_key_identifier, current_reference_PIN_block, current_reference_PIN_profile, current_reference_PIN_PAN_data, output_PIN_data_length, output_PIN_data, output_PIN_profile, output_PIN_message_length, output_PIN_message))
FORWARD(CSUACFQ,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, long *verb_data_length, unsigned char *verb_data),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, verb_data_length, verb_data))
FORWARD(CSUALCT,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *user_id, long *auth_parms_length, unsigned char *auth_parms, long *auth_data_length, unsigned char *auth_data),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, user_id, auth_parms_length, auth_parms, auth_data_length, auth_data))
FORWARD(CSUAACI,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, long *verb_data_1_length, unsigned char *verb_data_1, long *verb_data_2_length, unsigned char *verb_data_2),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, verb_data_1_length, verb_data_1, verb_data_2_length, verb_data_2))
FORWARD(CSUAACM,
        (long *return_code, long *reason_code, long *exit_data_length, unsigned char *exit_data, long *rule_array_count, unsigned char *rule_array, unsigned char *name, long *output_data_length, unsigned char *output_data),
        (return_code, reason_code, exit_data_length, exit_data, rule_array_count, rule_array, name, output_data_length, output_data))
